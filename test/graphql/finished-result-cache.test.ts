import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import { createJobId } from '../../src/job/job-id.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import type { JobStore } from '../../src/store/job-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTempDir } from '../support/temp-dir.js';
import { TestClock } from '../support/test-clock.js';

const RETENTION_MS = 60_000;
const OWNER = { owner: 'test', leaseMs: 60_000 };

const JOB = `
  query Job($id: ID!) {
    job(id: $id) {
      __typename id status done finishedAt expiresAt
      ... on ForecastJob { data { city summary } }
    }
  }`;

/** A complete forecast result, as the REST representation reads every field of it. */
const FORECAST = {
  city: 'Seattle',
  country: 'US',
  date: '2025-11-08',
  latitude: 47.6,
  longitude: -122.33,
  temperatureC: 9,
  temperatureF: 48,
  summary: 'Cool',
};

let tempDir: ReturnType<typeof createTempDir>;
let store: SqliteJobStore;

afterEach(async () => {
  await store?.close();
  tempDir?.remove();
});

/** Serves the app on a SQLite store on one test clock, and counts the store's job reads. */
function startApp() {
  tempDir = createTempDir();
  const clock = new TestClock(Date.now());
  store = new SqliteJobStore({
    filename: join(tempDir.path, 'jobs.db'),
    retentionMs: RETENTION_MS,
    now: clock.now,
  });
  const reads = { count: 0 };
  const counting = new Proxy<JobStore>(store, {
    get(target, property, receiver) {
      if (property === 'getMany') reads.count += 1;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const kinds = new KindRegistry([createForecastKind({ durationMs: 0, timeoutMs: 60_000 })]);
  const app = createApp({ store: counting, kinds, logger: createLogger('silent'), now: clock.now });

  const query = async (document: string, variables: Record<string, unknown> = {}) => {
    const response = await app.fetch('http://jobtoken.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: document, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, Record<string, unknown> | null>;
      errors?: unknown[];
    };
  };
  const poll = (id: string) => app.fetch(`http://jobtoken.test/jobs/${id}`);
  return { clock, reads, query, poll };
}

async function insertPending(): Promise<string> {
  const id = createJobId();
  await store.insert({ id, kind: 'forecast', input: { city: 'Seattle', date: '2025-11-08' } });
  return id;
}

async function complete(id: string): Promise<void> {
  const [claimed] = await store.claim(1, OWNER);
  expect(claimed?.id).toBe(id);
  await store.complete(id, claimed?.attempt ?? 0, FORECAST);
}

describe('finished result cache', () => {
  it('repeats the result of a finished job', async () => {
    const { reads, query } = startApp();
    const id = await insertPending();
    await complete(id);

    const first = await query(JOB, { id });
    const second = await query(JOB, { id });
    expect(first.data?.job?.status).toBe('COMPLETED');
    expect(second).toEqual(first);
    expect(reads.count).toBe(1);
  });

  it('reads unfinished jobs on every query', async () => {
    const { reads, query } = startApp();
    const id = await insertPending();

    expect((await query(JOB, { id })).data?.job?.status).toBe('PENDING');
    await complete(id);
    expect((await query(JOB, { id })).data?.job?.status).toBe('COMPLETED');
    expect(reads.count).toBe(2);
  });

  it('reads unknown ids on every query', async () => {
    const { reads, query } = startApp();
    const id = createJobId();
    expect((await query(JOB, { id })).data?.job).toBeNull();

    await insertPending();
    expect((await query(JOB, { id })).data?.job).toBeNull();
    expect(reads.count).toBe(2);
  });

  it('keys results by variables', async () => {
    const { query } = startApp();
    const first = await insertPending();
    await complete(first);
    const second = await insertPending();
    await complete(second);

    expect((await query(JOB, { id: first })).data?.job?.id).toBe(first);
    expect((await query(JOB, { id: second })).data?.job?.id).toBe(second);
    expect((await query(JOB, { id: first })).data?.job?.id).toBe(first);
  });

  it('skips a query that also reads an unfinished job', async () => {
    const { reads, query } = startApp();
    const finished = await insertPending();
    await complete(finished);
    const pending = await insertPending();
    const both = `query Both($a: ID!, $b: ID!) { a: job(id: $a) { status } b: job(id: $b) { status } }`;

    await query(both, { a: finished, b: pending });
    const result = await query(both, { a: finished, b: pending });
    expect(result.data).toEqual({ a: { status: 'COMPLETED' }, b: { status: 'PENDING' } });
    expect(reads.count).toBe(2);
  });

  it('skips queries with other root fields', async () => {
    const { reads, query } = startApp();
    const id = await insertPending();
    await complete(id);
    const withList = `query Mixed($id: ID!) {
      job(id: $id) { status }
      jobs(first: 1) { edges { node { id } } }
    }`;

    await query(withList, { id });
    await query(withList, { id });
    expect(reads.count).toBe(2);
  });

  it('skips requests with large variables', async () => {
    const { reads, query } = startApp();
    const id = await insertPending();
    await complete(id);
    // Variables the operation does not declare are accepted, so they must not fill the cache.
    const variables = { id, padding: 'x'.repeat(2048) };

    await query(JOB, variables);
    const second = await query(JOB, variables);
    expect(second.data?.job?.status).toBe('COMPLETED');
    expect(reads.count).toBe(2);
  });

  it('leaves REST polls to their own cache', async () => {
    const { reads, poll } = startApp();
    const id = await insertPending();
    await complete(id);

    expect((await poll(id)).status).toBe(200);
    expect((await poll(id)).status).toBe(200);
    expect(reads.count).toBe(2);
  });

  it('reads the job again once it has expired', async () => {
    const { clock, reads, query } = startApp();
    const id = await insertPending();
    await complete(id);
    await query(JOB, { id });
    await query(JOB, { id });
    expect(reads.count).toBe(1);

    clock.advance(RETENTION_MS + 1);
    await store.deleteExpired();
    expect((await query(JOB, { id })).data?.job).toBeNull();
    expect(reads.count).toBe(2);
  });
});
