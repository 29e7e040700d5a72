import { join } from 'node:path';
import { createApp } from '../../src/http/create-app.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { CachedJobStore } from '../../src/store/cached/cached-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTempDir } from './temp-dir.js';

export interface TestAppOptions {
  /** How long each forecast works, in ms. Default 0. */
  forecastDurationMs?: number;
  forecastTimeoutMs?: number;
  forecastMaxAttempts?: number;
  forecastDeadlineMs?: number;
  /** Cap of long-poll waits, in seconds. */
  maxWaitSeconds?: number;
  /** Start the runner. Default true. */
  runner?: boolean;
  publicUrl?: URL;
  /** How long finished jobs are kept, in ms. Default 24 h. */
  retentionMs?: number;
  hideFieldSuggestions?: boolean;
  /** Clock of the poll rate limit, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
}

/**
 * Creates the real application on a fresh SQLite file, called in-process through `app.fetch`. Call
 * `close` after each test.
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const tempDir = createTempDir();
  const sqlite = new SqliteJobStore({
    filename: join(tempDir.path, 'jobs.db'),
    retentionMs: options.retentionMs ?? 24 * 3600 * 1000,
  });
  const store = new CachedJobStore(sqlite);
  const logger = createLogger('silent');
  const kinds = new KindRegistry([
    createForecastKind({
      durationMs: options.forecastDurationMs ?? 0,
      timeoutMs: options.forecastTimeoutMs ?? 60_000,
      ...(options.forecastMaxAttempts ? { maxAttempts: options.forecastMaxAttempts } : {}),
      ...(options.forecastDeadlineMs ? { deadlineMs: options.forecastDeadlineMs } : {}),
    }),
  ]);
  const app = createApp({
    store,
    kinds,
    logger,
    publicUrl: options.publicUrl ?? null,
    ...(options.maxWaitSeconds !== undefined ? { maxWaitSeconds: options.maxWaitSeconds } : {}),
    hideFieldSuggestions: options.hideFieldSuggestions,
    now: options.now,
  });
  const runner = new JobRunner({
    store,
    kinds,
    logger,
    concurrency: 4,
    idlePollIntervalMs: 50,
    sweepIntervalMs: 100,
  });
  if (options.runner ?? true) await runner.start();

  const request = (path: string, init?: RequestInit) =>
    app.fetch(new Request(new URL(path, 'http://jobtoken.test'), init));

  const graphql = async <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
  ) => {
    const response = await request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: T;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  };

  const postJob = (body: unknown) =>
    request('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  return {
    app,
    store,
    sqlite,
    runner,
    request,
    graphql,
    postJob,
    async close() {
      await runner.stop();
      await store.close();
      tempDir.remove();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
