import { ConfigError, loadConfig } from './config/config.js';
import { startJobtoken } from './jobtoken.js';
import { createLogger } from './log/logger.js';

/** Command-line entry: `npm start`. Flags and environment variables are listed in the README. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`jobtoken: ${error.message}`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const jobtoken = await startJobtoken(config, logger);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    jobtoken.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`jobtoken: ${error.message}`);
    process.exit(2);
  }
  console.error('jobtoken: start-up failed:', error);
  process.exit(1);
});
