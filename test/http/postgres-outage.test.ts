import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { killServerProcess, startServerProcess } from '../support/server-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';

const schema = uniqueSchema('jto');
const database = new URL(TEST_DATABASE_URL);
const proxy = new TcpProxy(database.hostname, Number(database.port || 5432));

afterAll(async () => {
  await proxy.stop();
  await dropSchema(schema);
});

async function submit(url: string) {
  return fetch(`${url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Oslo', date: '2025-01-15' }),
  });
}

describe('PostgreSQL outage', () => {
  it('answers 503 and recovers when the database returns', async () => {
    await proxy.start();
    const viaProxy = new URL(TEST_DATABASE_URL);
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('schema', schema);
    const server = await startServerProcess({
      DATABASE_URL: viaProxy.href,
      FORECAST_DURATION_MS: '0',
      JOB_LEASE_MS: '3000',
    });
    try {
      await proxy.stop();

      const poll = await fetch(`${server.url}/jobs/${randomUUID()}`);
      expect(poll.status).toBe(503);
      expect(Number(poll.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const problem = (await poll.json()) as { type: string };
      expect(problem.type).toBe('urn:jobtoken:problem:store-unavailable');
      const rejected = await submit(server.url);
      expect(rejected.status).toBe(503);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);

      await proxy.start();
      const accepted = await waitFor(
        () => submit(server.url),
        (response) => response.status === 202,
        { timeoutMs: 20_000, intervalMs: 250, what: 'submits to succeed again' },
      );
      const location = accepted.headers.get('location') as string;
      const done = await waitFor(
        () => fetch(location),
        (response) => response.status === 200,
        { timeoutMs: 20_000, intervalMs: 200, what: 'the job to complete after the outage' },
      );
      expect(done.status).toBe(200);
      expect(server.child.exitCode).toBeNull();
    } finally {
      await killServerProcess(server);
    }
  }, 90_000);
});
