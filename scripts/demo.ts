import { createProgressReporter } from '../src/cli/progress-reporter.js';
import { createRestClient } from '../src/client/rest-client.js';
import { loadConfig } from '../src/config/config.js';
import { startJobtoken } from '../src/jobtoken.js';
import { createLogger } from '../src/log/logger.js';

/**
 * Submits a forecast for Seattle, shows progress while polling, and prints the result. Uses the
 * server at JOBTOKEN_URL (default http://localhost:4000) or, when none responds there, starts one
 * in this process on an in-memory store.
 */
async function main(): Promise<void> {
  const serverUrl = process.env.JOBTOKEN_URL ?? 'http://localhost:4000';
  let baseUrl = serverUrl;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!(await isUp(serverUrl))) {
    const config = loadConfig(
      ['--port', '0', '--host', '127.0.0.1', '--database-url', 'memory:'],
      process.env,
    );
    const jobtoken = await startJobtoken(config, createLogger('warn'));
    baseUrl = jobtoken.url;
    stopEmbedded = () => jobtoken.stop();
    console.log(`No server at ${serverUrl}; started one at ${baseUrl} with an in-memory store.`);
  }

  const client = createRestClient(baseUrl);
  const { jobId, location } = await client.submit({ city: 'Seattle' });
  console.log(`Submitted job ${jobId}; polling ${location}`);
  const reporter = createProgressReporter(process.stdout);
  const result = await client.pollUntilDone(location ?? jobId, {
    onProgress: (job) => reporter.update(job),
    onRetry: (error, delayMs) => reporter.retry(error, delayMs),
  });
  reporter.finish();
  console.log(`Job ${result.status}:`);
  console.log(JSON.stringify(result, null, 2));
  await stopEmbedded?.();
}

async function isUp(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

main().catch((error: unknown) => {
  console.error('demo failed:', error);
  process.exit(1);
});
