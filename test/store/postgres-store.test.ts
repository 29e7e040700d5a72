import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import type { JobChange } from '../../src/store/job-store.js';
import { LATEST_POSTGRES_VERSION } from '../../src/store/postgres/postgres-migrations.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { waitFor } from '../support/wait-for.js';
import { describeJobStoreContract } from './job-store-contract.js';

const logger = createLogger('silent');
const schemas: string[] = [];

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

async function openStore(retentionMs: number, schema = uniqueSchema()) {
  if (!schemas.includes(schema)) schemas.push(schema);
  return PostgresJobStore.open({
    connectionString: TEST_DATABASE_URL,
    schema,
    retentionMs,
    logger,
  });
}

describeJobStoreContract(
  'PostgreSQL',
  async ({ retentionMs }) => ({
    store: await openStore(retentionMs),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    exactClock: false,
  }),
  // Other processes may be running jobs, so only attempts with expired leases are taken back.
  { recoversAllAtStart: false },
);

describe('PostgresJobStore', () => {
  it('migrates a schema once for many openers', async () => {
    const schema = uniqueSchema();
    const stores = await Promise.all(Array.from({ length: 10 }, () => openStore(60_000, schema)));
    const applied = stores.flatMap((store) => store.appliedMigrations);
    expect(applied).toEqual(
      Array.from({ length: LATEST_POSTGRES_VERSION }, (_, index) => index + 1),
    );
    for (const store of stores) await store.close();
  });

  it('builds inserted jobs as stored', async () => {
    const store = await openStore(60_000);
    const inserted = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.insert({
          id: randomUUID(),
          kind: index % 2 === 0 ? 'even' : 'odd',
          input: { index, nested: { list: [1, 'two', null], text: 'é "quoted"' } },
          maxAttempts: 1 + (index % 3),
          deadlineMs: index % 4 === 0 ? null : 60_000 + index,
        }),
      ),
    );
    const stored = await store.getMany(inserted.map((job) => job.id));
    expect(inserted).toEqual(stored);
    await store.close();
  });

  it('announces a batched insert once per kind', async () => {
    const store = await openStore(60_000);
    const changes: JobChange[] = [];
    store.onChange((change) => changes.push(change));
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        store.insert({ id: randomUUID(), kind: index % 2 === 0 ? 'even' : 'odd', input: {} }),
      ),
    );
    await waitFor(
      () => changes.length,
      (count) => count >= 2,
      { what: 'the insert announcements' },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes).toHaveLength(2);
    expect(changes.map((change) => change.kind).sort()).toEqual(['even', 'odd']);
    expect(changes.every((change) => change.id === null && change.status === 'Pending')).toBe(true);
    await store.close();
  });

  it('announces every job of a large claim', async () => {
    const store = await openStore(60_000);
    const ids = new Set<string>();
    for (let chunk = 0; chunk < 5; chunk += 1) {
      const jobs = await Promise.all(
        Array.from({ length: 50 }, () => store.insert({ id: randomUUID(), kind: 'k', input: {} })),
      );
      for (const job of jobs) ids.add(job.id);
    }
    const running: string[] = [];
    store.onChange((change) => {
      if (change.status === 'Running' && change.id !== null) running.push(change.id);
    });
    const claimed = await store.claim(250, { owner: 'runner-a', leaseMs: 60_000 });
    expect(claimed).toHaveLength(250);
    await waitFor(
      () => running.length,
      (count) => count >= 250,
      { what: 'a Running announcement per claimed job' },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running).toHaveLength(250);
    expect(new Set(running)).toEqual(ids);
    await store.close();
  });

  it('keeps lease renewals silent', async () => {
    const store = await openStore(60_000);
    const changes: JobChange[] = [];
    store.onChange((change) => changes.push(change));
    const job = await store.insert({ id: randomUUID(), kind: 'k', input: {} });
    const [claimed] = await store.claim(1, { owner: 'runner-a', leaseMs: 60_000 });
    // Announcements arrive after their writes return, so the insert and claim ones come first.
    await waitFor(
      () => changes.length,
      (count) => count >= 2,
      { what: 'the insert and claim announcements' },
    );
    changes.length = 0;
    await store.renewLeases([{ id: job.id, attempt: claimed?.attempt ?? 0 }], 60_000);
    await store.updateProgress(job.id, claimed?.attempt ?? 0, { percent: 5, message: null });
    await waitFor(
      () => changes.length,
      (count) => count >= 1,
      { what: 'the progress announcement' },
    );
    expect(changes).toEqual([{ id: job.id, kind: 'k', status: 'Running' }]);
    await store.close();
  });

  it('rejects an unsafe schema name', async () => {
    const open = PostgresJobStore.open({
      connectionString: TEST_DATABASE_URL,
      schema: 'x"; DROP TABLE jobs; --',
      retentionMs: 60_000,
      logger,
    });
    await expect(open).rejects.toThrow(/Invalid schema name/);
  });
});
