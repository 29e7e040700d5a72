import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LATEST_POSTGRES_VERSION } from '../../src/store/postgres/postgres-migrations.js';
import {
  adminQuery,
  dropSchema,
  TEST_DATABASE_URL,
  terminateConnections,
  uniqueSchema,
} from '../support/postgres.js';
import {
  killServerProcess,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';
import { waitFor } from '../support/wait-for.js';

/** Every migration version, 1 to the latest. */
const ALL_VERSIONS = Array.from({ length: LATEST_POSTGRES_VERSION }, (_, index) => index + 1);

const servers: ServerProcess[] = [];
const schemas: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => killServerProcess(server)));
});

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

function postgresEnv(schema: string, extra: Record<string, string> = {}) {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  return {
    DATABASE_URL: url.href,
    FORECAST_DURATION_MS: '4000',
    JOB_LEASE_MS: '3000',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

async function start(schema: string, extra: Record<string, string> = {}, timeoutMs = 30_000) {
  const server = await startServerProcess(postgresEnv(schema, extra), timeoutMs);
  servers.push(server);
  return server;
}

function newSchema(): string {
  const schema = uniqueSchema('jtp');
  schemas.push(schema);
  return schema;
}

async function submit(api: ServerProcess): Promise<string> {
  const response = await fetch(`${api.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Seattle', date: '2025-11-08' }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}

async function jobRow(schema: string, id: string) {
  const [row] = await adminQuery<{ status: string; attempt: number; lease_owner: string | null }>(
    `SELECT status, attempt, lease_owner FROM "${schema}".jobs WHERE id = $1`,
    [id],
  );
  return row;
}

function logsOf(server: ServerProcess, message: string, jobId?: string) {
  return server.logs.filter(
    (entry) => entry.msg === message && (jobId === undefined || entry.jobId === jobId),
  );
}

function waitForLog(server: ServerProcess, message: string, jobId: string) {
  return waitFor(
    () => logsOf(server, message, jobId).length,
    (count) => count > 0,
    { what: `the log line '${message}'` },
  );
}

describe('processes on PostgreSQL', () => {
  it('finishes a killed worker job elsewhere once', async () => {
    const schema = newSchema();
    const api = await start(schema, { JOBTOKEN_ROLE: 'api' });
    const workers = [
      await start(schema, { JOBTOKEN_ROLE: 'worker' }),
      await start(schema, { JOBTOKEN_ROLE: 'worker' }),
    ];
    const id = await submit(api);
    const running = await waitFor(
      () => jobRow(schema, id),
      (row) => row?.status === 'Running',
      { what: 'the job to run' },
    );
    const owner = workers.find((worker) => running?.lease_owner?.includes(`:${worker.child.pid}:`));
    const survivor = workers.find((worker) => worker !== owner) as ServerProcess;
    expect(owner).toBeDefined();

    const killedAt = Date.now();
    await killServerProcess(owner as ServerProcess, 'SIGKILL');
    const done = await waitFor(
      () => jobRow(schema, id),
      (row) => row?.status === 'Completed',
      { timeoutMs: 30_000, intervalMs: 100, what: 'the job to complete on the other worker' },
    );
    const takeoverMs = Date.now() - killedAt;

    expect(done?.attempt).toBe(2);
    // The worker logs after its write commits, so the line can reach this process later.
    await waitForLog(survivor, 'job completed', id);
    expect(logsOf(survivor, 'job completed', id)).toHaveLength(1);
    // Lease 3 s + sweep 2 s + the rest of the 4 s job, with slack for a loaded machine.
    expect(takeoverMs).toBeLessThan(15_000);
    const poll = await fetch(`${api.url}/jobs/${id}`);
    expect(poll.status).toBe(200);
  }, 90_000);

  it('cancels a job running in another process', async () => {
    const schema = newSchema();
    const api = await start(schema, { JOBTOKEN_ROLE: 'api' });
    const worker = await start(schema, {
      JOBTOKEN_ROLE: 'worker',
      FORECAST_DURATION_MS: '60000',
    });
    const id = await submit(api);
    await waitFor(
      () => jobRow(schema, id),
      (row) => row?.status === 'Running',
      { what: 'the job to run' },
    );
    const cancelledAt = Date.now();
    const response = await fetch(`${api.url}/jobs/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(202);
    await waitFor(
      () => jobRow(schema, id),
      (row) => row?.status === 'Cancelled',
      { timeoutMs: 5_000, intervalMs: 20, what: 'the job to end Cancelled' },
    );
    expect(Date.now() - cancelledAt).toBeLessThan(1_500);
    await waitForLog(worker, 'job cancelled', id);
    expect(logsOf(worker, 'job cancelled', id)).toHaveLength(1);
    const poll = await fetch(`${api.url}/jobs/${id}`);
    expect(poll.status).toBe(409);
  }, 60_000);

  it('recovers from terminated connections', async () => {
    const schema = newSchema();
    const server = await start(schema, { FORECAST_DURATION_MS: '0' });

    expect(await terminateConnections(schema, 'listener')).toBe(1);
    await waitFor(
      () => logsOf(server, 'listener reconnected').length,
      (count) => count >= 1,
      { timeoutMs: 15_000, what: 'the listener to reconnect' },
    );
    expect(await terminateConnections(schema, 'pool')).toBeGreaterThanOrEqual(1);

    const id = await submit(server);
    const done = await waitFor(
      () => fetch(`${server.url}/jobs/${id}`),
      (response) => response.status === 200,
      { timeoutMs: 15_000, intervalMs: 100, what: 'the job to complete after reconnecting' },
    );
    expect(done.status).toBe(200);
  }, 60_000);

  it('migrates once with ten processes starting', async () => {
    const schema = newSchema();
    const started = await Promise.all(
      // Ten processes loading TypeScript through tsx at once are slow on a small, busy machine.
      Array.from({ length: 10 }, () => start(schema, { JOBTOKEN_ROLE: 'worker' }, 120_000)),
    );
    expect(started).toHaveLength(10);
    const versions = await adminQuery<{ version: number }>(
      `SELECT version FROM "${schema}".schema_migrations ORDER BY version`,
    );
    expect(versions.map((row) => row.version)).toEqual(ALL_VERSIONS);
    const migrated = started.filter((server) => logsOf(server, 'applied migrations').length > 0);
    expect(migrated).toHaveLength(1);
  }, 180_000);

  it('hands a job back on SIGTERM', async () => {
    const schema = newSchema();
    const first = await start(schema, { SHUTDOWN_GRACE_MS: '0', FORECAST_DURATION_MS: '60000' });
    const id = await submit(first);
    await waitFor(
      () => jobRow(schema, id),
      (row) => row?.status === 'Running',
      { what: 'the job to run' },
    );
    await killServerProcess(first, 'SIGTERM');
    const released = await jobRow(schema, id);
    expect(released?.status).toBe('Pending');
    expect(released?.attempt).toBe(0);
    expect(logsOf(first, 'job handed back to Pending at shutdown', id)).toHaveLength(1);
  }, 60_000);
});
