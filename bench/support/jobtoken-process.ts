import { fileURLToPath } from 'node:url';
import { type BenchProcess, parseJsonLine, startTsProcess } from './child-process.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** A jobtoken server started from its command-line entry, as `npm start` runs it. */
export interface JobtokenProcess extends BenchProcess {
  url: string;
}

/**
 * Starts `src/main.ts` through tsx on 127.0.0.1 and a free port. `env` adds settings such as
 * `DATABASE_URL`; the log level is `info`, the default, unless `env` sets another.
 */
export async function startJobtoken(
  env: Record<string, string>,
  options: { nodeOptions?: readonly string[] } = {},
): Promise<JobtokenProcess> {
  const process = startTsProcess(MAIN, [], {
    env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    ...(options.nodeOptions ? { nodeOptions: options.nodeOptions } : {}),
  });
  const url = await process.waitForLine((line) => {
    const entry = parseJsonLine(line);
    return entry?.msg === 'jobtoken started' ? String(entry.url) : undefined;
  });
  // Keep reading the log, so that a full pipe never blocks the server.
  process.child.stdout?.resume();
  return { ...process, url };
}

/** The poll query that both GraphQL servers resolve. */
export const POLL_QUERY = `query Poll($id: ID!) {
  job(id: $id) {
    __typename id status done progress { percent message }
    ... on ForecastJob { data { city country date temperatureC temperatureF summary } }
  }
}`;

/** A forecast submit body that the bundled city data set accepts. */
export const FORECAST_BODY = JSON.stringify({ city: 'Seattle', date: '2025-11-08' });

/** Submits a forecast over REST and returns its id. */
export async function submitForecast(url: string): Promise<string> {
  const response = await fetch(`${url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: FORECAST_BODY,
  });
  if (response.status !== 202) throw new Error(`submit returned ${response.status}`);
  const { jobId } = (await response.json()) as { jobId: string };
  return jobId;
}

/** Polls a job with `Prefer: wait` until it has finished; returns the final REST response. */
export async function waitUntilFinished(
  url: string,
  id: string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/jobs/${id}`, { headers: { prefer: 'wait=5' } });
    const body = await response.text();
    if (response.status !== 202) return { status: response.status, body };
  }
  throw new Error(`job ${id} did not finish within ${timeoutMs} ms`);
}

/** Runs a GraphQL request and returns its `data`, or throws with the errors. */
export async function graphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors || !result.data) {
    throw new Error(`GraphQL request failed: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}
