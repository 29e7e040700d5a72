import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLClient } from '../../src/client/graphql-client.js';
import type { ClientOptions, JobtokenClient } from '../../src/client/jobtoken-client.js';
import type { JobtokenRequestError } from '../../src/client/request-error.js';
import { createRestClient } from '../../src/client/rest-client.js';
import { createApp } from '../../src/http/create-app.js';
import { closeServer, listen } from '../../src/http/http-server.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const logger = createLogger('silent');
const schema = uniqueSchema('jtc');
const database = new URL(TEST_DATABASE_URL);
const proxy = new TcpProxy(database.hostname, Number(database.port || 5432));
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  await proxy.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await proxy.stop();
  await dropSchema(schema);
});

/**
 * Serves the real app on PostgreSQL reached through the proxy, so that a cut proxy turns polls
 * of unfinished jobs into 503.
 */
async function serveThroughProxy(): Promise<{ url: string; runner: JobRunner }> {
  const viaProxy = new URL(TEST_DATABASE_URL);
  viaProxy.port = String(proxy.port);
  const store = await PostgresJobStore.open({
    connectionString: viaProxy.href,
    schema,
    retentionMs: 86_400_000,
    logger,
  });
  const kinds = new KindRegistry([createForecastKind({ durationMs: 0, timeoutMs: 60_000 })]);
  const runner = new JobRunner({ store, kinds, logger, concurrency: 1, idlePollIntervalMs: 50 });
  await runner.start();
  const { server, address } = await listen(createApp({ store, kinds, logger }), 0, '127.0.0.1');
  cleanups.push(async () => {
    await closeServer(server as Server);
    await runner.stop();
    await store.close();
  });
  return { url: `http://127.0.0.1:${address.port}`, runner };
}

const OPTIONS: ClientOptions = {
  pollIntervalMs: 100,
  pollDelayBounds: { minMs: 100, maxMs: 1_000 },
};

describe.each<[string, (url: string, options: ClientOptions) => JobtokenClient]>([
  ['REST', createRestClient],
  ['GraphQL', createGraphQLClient],
])('client over %s during a store outage', (name, createClient) => {
  it('waits out 503 and then completes', async () => {
    const { url, runner } = await serveThroughProxy();
    const client = createClient(url, OPTIONS);
    const first = await client.submit({ city: 'Oslo', date: '2025-01-15' });
    await expect(client.pollUntilDone(first.jobId)).resolves.toMatchObject({
      status: 'completed',
    });

    // Polls of a finished job may be served from memory, so the outage hits a Pending one.
    await runner.stop();
    const { jobId } = await client.submit({ city: 'Oslo', date: '2025-01-16' });
    await proxy.stop();
    const retries: JobtokenRequestError[] = [];
    const result = await client.pollUntilDone(jobId, {
      onRetry: (error) => {
        retries.push(error);
        if (retries.length === 2) void proxy.start().then(() => runner.start());
      },
    });

    expect(result).toMatchObject({ jobId, status: 'completed' });
    expect(retries.length).toBeGreaterThanOrEqual(2);
    for (const error of retries) {
      expect(error.code).toBe('store_unavailable');
      expect(error.status).toBe(503);
    }
    if (name === 'REST') expect(retries[0]?.retryAfterMs).toBe(5_000);
  });
});
