import { describe, expect, it } from 'vitest';
import { createJobId } from '../../src/job/job-id.js';
import { CachedJobStore } from '../../src/store/cached/cached-store.js';
import { MemoryJobStore } from '../../src/store/memory/memory-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { TestClock, withTestClock } from '../support/test-clock.js';
import { describeJobStoreContract } from './job-store-contract.js';

describeJobStoreContract(
  'cached SQLite',
  withTestClock(
    (options) =>
      new CachedJobStore(new SqliteJobStore({ ...options, filename: ':memory:' }), options),
  ),
);
describeJobStoreContract(
  'cached memory',
  withTestClock((options) => new CachedJobStore(new MemoryJobStore(options), options)),
);

describe('CachedJobStore', () => {
  async function finishedJob(store: CachedJobStore) {
    const job = await store.insert({ id: createJobId(), kind: 'forecast', input: {} });
    const [claimed] = await store.claim(1, { owner: 'test', leaseMs: 60_000 });
    await store.complete(job.id, claimed?.attempt ?? 0, { temperatureC: 9 });
    return job;
  }

  it('serves finished jobs from memory', async () => {
    const inner = new MemoryJobStore({ retentionMs: 60_000 });
    const store = new CachedJobStore(inner);
    const job = await finishedJob(store);
    const innerGet = inner.get.bind(inner);
    let innerReads = 0;
    inner.get = async (id) => {
      innerReads += 1;
      return innerGet(id);
    };
    const first = await store.get(job.id);
    const second = await store.get(job.id);
    expect(first?.status).toBe('Completed');
    expect(second).toEqual(first);
    expect(innerReads).toBe(0);
    expect(store.hits).toBe(2);
  });

  it('reads unfinished jobs from the store', async () => {
    const store = new CachedJobStore(new MemoryJobStore({ retentionMs: 60_000 }));
    const job = await store.insert({ id: createJobId(), kind: 'forecast', input: {} });
    await store.claim(1, { owner: 'test', leaseMs: 60_000 });
    expect((await store.get(job.id))?.status).toBe('Running');
    expect(store.size).toBe(0);
    expect(store.hits).toBe(0);
  });

  it('keeps at most maxEntries jobs', async () => {
    const store = new CachedJobStore(new MemoryJobStore({ retentionMs: 60_000 }), {
      maxEntries: 2,
    });
    for (let index = 0; index < 5; index += 1) await finishedJob(store);
    expect(store.size).toBe(2);
  });

  it('stops serving jobs past their expiry', async () => {
    const clock = new TestClock();
    const inner = new MemoryJobStore({ retentionMs: 1_000, now: clock.now });
    const store = new CachedJobStore(inner, { now: clock.now });
    const job = await finishedJob(store);
    expect(await store.get(job.id)).not.toBeNull();
    clock.advance(1_000);
    expect(await store.get(job.id)).toBeNull();
  });
});
