import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobFailure } from '../../src/job/job.js';
import { createJobId } from '../../src/job/job-id.js';
import type { IdempotencyKey, JobChange, JobStore, NewJob } from '../../src/store/job-store.js';
import { waitFor } from '../support/wait-for.js';

/** A store under test, with a way to move its clock. */
export interface StoreUnderTest {
  store: JobStore;
  /** Moves the store's clock forward: a test clock jumps, a database clock is waited for. */
  advance(ms: number): Promise<void>;
  /** The store's current time in epoch ms, as far as the test can know it. */
  now(): number;
  /** Whether `now()` is exactly the store's clock, so timestamps can be compared for equality. */
  exactClock: boolean;
}

export type StoreFactory = (options: { retentionMs: number }) => Promise<StoreUnderTest>;

/** Short enough that a store on a real clock can wait for it. */
const RETENTION_MS = 400;
const LEASE_MS = 300;
const LONG_LEASE = { owner: 'runner-a', leaseMs: 60_000 };
const RETRYABLE: JobFailure = { code: 'processor_error', message: 'flaky', retryable: true };

/** The behaviour every JobStore implementation must have. */
export function describeJobStoreContract(
  name: string,
  createStore: StoreFactory,
  options: {
    /** Whether `recoverAbandoned` takes back every running job, as a single-process store may. */
    recoversAllAtStart?: boolean;
  } = {},
): void {
  describe(`${name} store contract`, () => {
    let store: JobStore;
    let clock: StoreUnderTest;

    beforeEach(async () => {
      clock = await createStore({ retentionMs: RETENTION_MS });
      store = clock.store;
    });

    afterEach(async () => {
      await store.close();
    });

    function expectNow(date: Date | null | undefined) {
      if (clock.exactClock) expect(date?.getTime()).toBe(clock.now());
      else expect(Math.abs((date?.getTime() ?? 0) - clock.now())).toBeLessThan(5_000);
    }

    /** Inserts a job with attempts to spare, so that a reclaimed attempt is run again. */
    async function submit(input: unknown = { city: 'Seattle' }) {
      return store.insert({ id: createJobId(), kind: 'forecast', input, maxAttempts: 5 });
    }

    async function submitAndClaim() {
      const job = await submit();
      const [claimed] = await store.claim(1, LONG_LEASE);
      expect(claimed?.id).toBe(job.id);
      return claimed as NonNullable<typeof claimed>;
    }

    it('inserts a Pending job', async () => {
      const job = await submit({ city: 'Seattle', date: '2025-11-08' });
      expect(job.status).toBe('Pending');
      expect(job.attempt).toBe(0);
      expect(job.input).toEqual({ city: 'Seattle', date: '2025-11-08' });
      expect(job.progress).toEqual({ percent: 0, message: null });
      expectNow(job.createdAt);
      expect(job.startedAt).toBeNull();
      expect(job.finishedAt).toBeNull();
      expect(job.expiresAt).toBeNull();
    });

    it('reads back an inserted job', async () => {
      const job = await submit();
      expect(await store.get(job.id)).toEqual(job);
    });

    it('returns null for an unknown id', async () => {
      expect(await store.get(createJobId())).toBeNull();
    });

    it('rejects a duplicate id', async () => {
      const job = await submit();
      await expect(store.insert({ id: job.id, kind: 'forecast', input: {} })).rejects.toThrow();
    });

    it('reads many jobs in request order', async () => {
      const first = await submit();
      const second = await submit();
      const unknown = createJobId();
      const jobs = await store.getMany([second.id, unknown, first.id, second.id]);
      expect(jobs.map((job) => job?.id ?? null)).toEqual([second.id, null, first.id, second.id]);
    });

    it('lists jobs newest first', async () => {
      const older = await submit();
      await clock.advance(10);
      const newer = await submit();
      const listed = await store.list({ limit: 10 });
      expect(listed.map((job) => job.id)).toEqual([newer.id, older.id]);
    });

    it('pages through the list with a cursor', async () => {
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        ids.unshift((await submit()).id);
        await clock.advance(1);
      }
      const firstPage = await store.list({ limit: 2 });
      const last = firstPage.at(-1) as NonNullable<(typeof firstPage)[number]>;
      const secondPage = await store.list({ limit: 2, after: last });
      expect(firstPage.map((job) => job.id)).toEqual(ids.slice(0, 2));
      expect(secondPage.map((job) => job.id)).toEqual(ids.slice(2, 4));
    });

    it('filters the list by status', async () => {
      const claimedFirst = await submit();
      await clock.advance(1);
      const stillPending = await submit();
      await store.claim(1, LONG_LEASE);
      const pending = await store.list({ limit: 10, status: 'Pending' });
      const running = await store.list({ limit: 10, status: 'Running' });
      expect(pending.map((job) => job.id)).toEqual([stillPending.id]);
      expect(running.map((job) => job.id)).toEqual([claimedFirst.id]);
    });

    it('claims the oldest Pending jobs first', async () => {
      const oldest = await submit();
      await clock.advance(1);
      const middle = await submit();
      await clock.advance(1);
      await submit();
      const claimed = await store.claim(2, LONG_LEASE);
      expect(claimed.map((job) => job.id).sort()).toEqual([oldest.id, middle.id].sort());
      for (const job of claimed) {
        expect(job.status).toBe('Running');
        expect(job.attempt).toBe(1);
        expectNow(job.startedAt);
      }
    });

    it('never claims a job twice', async () => {
      await submit();
      expect(await store.claim(5, LONG_LEASE)).toHaveLength(1);
      expect(await store.claim(5, LONG_LEASE)).toHaveLength(0);
    });

    it('records progress of the owning attempt', async () => {
      const job = await submitAndClaim();
      const progress = { percent: 40, message: 'Estimating' };
      expect(await store.updateProgress(job.id, job.attempt, progress)).toBe(true);
      expect((await store.get(job.id))?.progress).toEqual(progress);
    });

    it('refuses progress from another attempt', async () => {
      const job = await submitAndClaim();
      const progress = { percent: 40, message: 'stale' };
      expect(await store.updateProgress(job.id, job.attempt + 1, progress)).toBe(false);
      expect((await store.get(job.id))?.progress.percent).toBe(0);
    });

    it('completes a running attempt with its result', async () => {
      const job = await submitAndClaim();
      await clock.advance(500);
      const completed = await store.complete(job.id, job.attempt, { temperatureC: 9 });
      expect(completed?.status).toBe('Completed');
      expect(completed?.result).toEqual({ temperatureC: 9 });
      expect(completed?.progress.percent).toBe(100);
      expectNow(completed?.finishedAt);
      const retained =
        (completed?.expiresAt?.getTime() ?? 0) - (completed?.finishedAt?.getTime() ?? 0);
      expect(retained).toBe(RETENTION_MS);
      expect(await store.get(job.id)).toEqual(completed);
    });

    it('completes a claimed job as stored', async () => {
      const retried = await submit();
      const [first] = await store.claim(1, LONG_LEASE);
      await store.retry(retried.id, first?.attempt ?? 0, RETRYABLE, 0);
      await clock.advance(10);
      const [claimed] = await store.claim(1, LONG_LEASE);
      expect(claimed?.id).toBe(retried.id);
      const attempt = claimed?.attempt ?? 0;
      await store.updateProgress(retried.id, attempt, { percent: 60, message: 'almost' });
      const result = { list: [1, 'two', null], nested: { b: 2, a: 1 }, text: 'é "quoted"' };
      const completed = await store.complete(retried.id, attempt, result, claimed);
      expect(completed?.progress).toEqual({ percent: 100, message: 'almost' });
      expect(completed?.error).toEqual(RETRYABLE);
      expect(completed?.result).toEqual(result);
      expect(await store.get(retried.id)).toEqual(completed);
    });

    it('writes a terminal status only once', async () => {
      const job = await submitAndClaim();
      await store.complete(job.id, job.attempt, { first: true });
      const failure = { code: 'timeout' as const, message: 'late', retryable: true };
      expect(await store.complete(job.id, job.attempt, { second: true })).toBeNull();
      expect(await store.fail(job.id, job.attempt, failure)).toBeNull();
      expect((await store.get(job.id))?.result).toEqual({ first: true });
      expect((await store.get(job.id))?.status).toBe('Completed');
    });

    it('fails a running attempt with its error', async () => {
      const job = await submitAndClaim();
      const failure = { code: 'processor_error' as const, message: 'broken', retryable: false };
      const failed = await store.fail(job.id, job.attempt, failure);
      expect(failed?.status).toBe('Failed');
      expect(failed?.error).toEqual(failure);
      expect(failed?.result).toBeNull();
    });

    it('refuses a completion from a stale attempt', async () => {
      const job = await submitAndClaim();
      expect(await store.complete(job.id, job.attempt - 1, {})).toBeNull();
      expect((await store.get(job.id))?.status).toBe('Running');
    });

    it('cancels a Pending job at once', async () => {
      const job = await submit();
      const outcome = await store.requestCancel(job.id);
      expect(outcome.kind).toBe('cancelled');
      const stored = await store.get(job.id);
      expect(stored?.status).toBe('Cancelled');
      expect(stored?.finishedAt).not.toBeNull();
      expect(await store.claim(1, LONG_LEASE)).toHaveLength(0);
    });

    it('marks a Running job Cancelling', async () => {
      const job = await submitAndClaim();
      const outcome = await store.requestCancel(job.id);
      expect(outcome.kind).toBe('cancelling');
      expect((await store.get(job.id))?.status).toBe('Cancelling');
    });

    it('refuses a completion after a cancel request', async () => {
      const job = await submitAndClaim();
      await store.requestCancel(job.id);
      expect(await store.complete(job.id, job.attempt, { late: true })).toBeNull();
      const cancelled = await store.finishCancel(job.id);
      expect(cancelled?.status).toBe('Cancelled');
      expect(cancelled?.result).toBeNull();
    });

    it('repeats a cancel request without change', async () => {
      const running = await submitAndClaim();
      await store.requestCancel(running.id);
      expect((await store.requestCancel(running.id)).kind).toBe('cancelling');
      await store.finishCancel(running.id);
      expect((await store.requestCancel(running.id)).kind).toBe('cancelled');
    });

    it('refuses to cancel a finished job', async () => {
      const job = await submitAndClaim();
      await store.complete(job.id, job.attempt, {});
      const outcome = await store.requestCancel(job.id);
      expect(outcome.kind).toBe('already_finished');
      expect((await store.get(job.id))?.status).toBe('Completed');
    });

    it('reports not_found when cancelling an unknown id', async () => {
      expect((await store.requestCancel(createJobId())).kind).toBe('not_found');
    });

    it('finishes a cancel only when Cancelling', async () => {
      const job = await submitAndClaim();
      expect(await store.finishCancel(job.id)).toBeNull();
      expect((await store.get(job.id))?.status).toBe('Running');
    });

    it('releases an attempt without using it up', async () => {
      const job = await submitAndClaim();
      expect(await store.release(job.id, job.attempt)).toBe(true);
      const released = await store.get(job.id);
      expect(released?.status).toBe('Pending');
      expect(released?.attempt).toBe(0);
      const [reclaimed] = await store.claim(1, LONG_LEASE);
      expect(reclaimed?.attempt).toBe(1);
    });

    it('ends a released Cancelling job Cancelled', async () => {
      const job = await submitAndClaim();
      await store.requestCancel(job.id);
      expect(await store.release(job.id, job.attempt)).toBe(true);
      expect((await store.get(job.id))?.status).toBe('Cancelled');
    });

    it.runIf(options.recoversAllAtStart ?? true)(
      'recovers jobs left by a crashed process',
      async () => {
        const running = await submitAndClaim();
        const cancelling = await submitAndClaim();
        await store.requestCancel(cancelling.id);
        expect(await store.recoverAbandoned()).toBe(2);
        expect((await store.get(running.id))?.status).toBe('Pending');
        expect((await store.get(cancelling.id))?.status).toBe('Cancelled');
        const [again] = await store.claim(1, LONG_LEASE);
        expect(again?.attempt).toBe(2);
      },
    );

    it('hides and deletes jobs past their retention', async () => {
      const job = await submitAndClaim();
      await store.complete(job.id, job.attempt, {});
      const queued = await submit();
      expect(await store.get(job.id)).not.toBeNull();
      if (clock.exactClock) {
        await clock.advance(RETENTION_MS - 1);
        expect(await store.get(job.id)).not.toBeNull();
      }
      await clock.advance(RETENTION_MS + 50);
      expect(await store.get(job.id)).toBeNull();
      expect(await store.getMany([job.id])).toEqual([null]);
      expect(await store.deleteExpired()).toBe(1);
      expect(await store.get(queued.id)).not.toBeNull();
    });

    it('never expires unfinished jobs', async () => {
      const job = await submit();
      await clock.advance(RETENTION_MS * 2);
      expect(await store.deleteExpired()).toBe(0);
      expect((await store.get(job.id))?.status).toBe('Pending');
    });

    it('announces committed changes', async () => {
      const changes: JobChange[] = [];
      const unsubscribe = store.onChange((change) => changes.push(change));
      const job = await submit();
      const [claimed] = await store.claim(1, LONG_LEASE);
      await store.complete(job.id, claimed?.attempt ?? 0, {});
      await waitFor(
        () => changes.length,
        (count) => count >= 3,
        { what: 'three change announcements' },
      );
      unsubscribe();
      await submit();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(changes.map((change) => change.status)).toEqual(['Pending', 'Running', 'Completed']);
      expect(changes.map((change) => change.id)).toEqual([null, job.id, job.id]);
      expect(changes.every((change) => change.kind === job.kind)).toBe(true);
    });
    it('never gives one job to two concurrent claims', async () => {
      const ids = new Set<string>();
      for (let index = 0; index < 20; index += 1) ids.add((await submit()).id);
      const batches = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          store.claim(5, { owner: `runner-${index}`, leaseMs: 60_000 }),
        ),
      );
      const claimed = batches.flat().map((job) => job.id);
      expect(claimed).toHaveLength(20);
      expect(new Set(claimed)).toEqual(ids);
    });

    it('refuses writes once the lease expires', async () => {
      const job = await submit();
      const [claimed] = await store.claim(1, { owner: 'runner-a', leaseMs: LEASE_MS });
      await clock.advance(LEASE_MS + 50);
      const progress = { percent: 10, message: 'late' };
      expect(await store.updateProgress(job.id, claimed?.attempt ?? 0, progress)).toBe(false);
      expect(await store.complete(job.id, claimed?.attempt ?? 0, {})).toBeNull();
      expect((await store.get(job.id))?.status).toBe('Running');
    });

    it('extends a lease on renewal', async () => {
      const job = await submit();
      const [claimed] = await store.claim(1, { owner: 'runner-a', leaseMs: LEASE_MS });
      const attempt = claimed?.attempt ?? 0;
      await clock.advance(LEASE_MS / 2);
      const renewed = await store.renewLeases([{ id: job.id, attempt }], LEASE_MS * 4);
      expect(renewed).toEqual([{ id: job.id, status: 'Running' }]);
      await clock.advance(LEASE_MS);
      expect((await store.complete(job.id, attempt, { ok: true }))?.status).toBe('Completed');
    });

    it('reports a cancel request on renewal', async () => {
      const job = await submitAndClaim();
      await store.requestCancel(job.id);
      const renewed = await store.renewLeases([{ id: job.id, attempt: job.attempt }], 60_000);
      expect(renewed).toEqual([{ id: job.id, status: 'Cancelling' }]);
    });

    it('does not renew an expired lease', async () => {
      const job = await submit();
      const [claimed] = await store.claim(1, { owner: 'runner-a', leaseMs: LEASE_MS });
      await clock.advance(LEASE_MS + 50);
      const attempts = [{ id: job.id, attempt: claimed?.attempt ?? 0 }];
      expect(await store.renewLeases(attempts, 60_000)).toEqual([]);
    });

    it('reclaims attempts whose lease expired', async () => {
      const running = await submit();
      const cancelling = await submit();
      await store.claim(2, { owner: 'runner-a', leaseMs: LEASE_MS });
      await store.requestCancel(cancelling.id);
      expect(await store.reclaimExpired()).toBe(0);
      await clock.advance(LEASE_MS + 50);
      expect(await store.reclaimExpired()).toBe(2);
      expect((await store.get(running.id))?.status).toBe('Pending');
      expect((await store.get(cancelling.id))?.status).toBe('Cancelled');
    });

    it('fences a stale attempt out', async () => {
      const job = await submit();
      const [stale] = await store.claim(1, { owner: 'runner-a', leaseMs: LEASE_MS });
      await clock.advance(LEASE_MS + 50);
      await store.reclaimExpired();
      const [fresh] = await store.claim(1, { owner: 'runner-b', leaseMs: 60_000 });
      expect(fresh?.attempt).toBe((stale?.attempt ?? 0) + 1);
      expect(await store.complete(job.id, stale?.attempt ?? 0, { from: 'a' })).toBeNull();
      expect((await store.complete(job.id, fresh?.attempt ?? 0, { from: 'b' }))?.result).toEqual({
        from: 'b',
      });
    });
    function newJob(fields: Partial<NewJob> = {}): NewJob {
      return { id: createJobId(), kind: 'forecast', input: { city: 'Seattle' }, ...fields };
    }

    function keyOf(fields: Partial<IdempotencyKey> = {}): IdempotencyKey {
      return {
        scope: 'caller-a',
        key: 'key-1',
        fingerprint: 'payload-1',
        ttlMs: 60_000,
        ...fields,
      };
    }

    it('stores the attempt limit and deadline', async () => {
      const job = await store.insert(newJob({ maxAttempts: 3, deadlineMs: 60_000 }));
      expect(job.maxAttempts).toBe(3);
      expect(job.nextAttemptAt).toBeNull();
      expect((job.deadlineAt?.getTime() ?? 0) - job.createdAt.getTime()).toBe(60_000);
      const plain = await store.insert(newJob());
      expect(plain.maxAttempts).toBe(1);
      expect(plain.deadlineAt).toBeNull();
    });

    it('retries an attempt after its delay', async () => {
      const job = await store.insert(newJob({ maxAttempts: 3 }));
      const [first] = await store.claim(1, LONG_LEASE);
      const waiting = await store.retry(job.id, first?.attempt ?? 0, RETRYABLE, LEASE_MS);
      expect(waiting?.status).toBe('Pending');
      expect(waiting?.error).toEqual(RETRYABLE);
      expect(waiting?.attempt).toBe(1);
      expect(waiting?.nextAttemptAt).not.toBeNull();
      expect(await store.claim(1, LONG_LEASE)).toEqual([]);
      await clock.advance(LEASE_MS + 50);
      const [second] = await store.claim(1, LONG_LEASE);
      expect(second?.id).toBe(job.id);
      expect(second?.attempt).toBe(2);
      expect(second?.nextAttemptAt).toBeNull();
    });

    it('refuses a retry from a stale attempt', async () => {
      const job = await submitAndClaim();
      expect(await store.retry(job.id, job.attempt + 1, RETRYABLE, 0)).toBeNull();
      expect((await store.get(job.id))?.status).toBe('Running');
    });

    it('fails queued jobs past their deadline', async () => {
      const overdue = await store.insert(newJob({ deadlineMs: LEASE_MS }));
      const open = await submit();
      expect(await store.failOverdue()).toBe(0);
      await clock.advance(LEASE_MS + 50);
      const claimed = await store.claim(5, LONG_LEASE);
      expect(claimed.map((job) => job.id)).toEqual([open.id]);
      expect(await store.failOverdue()).toBe(1);
      const failed = await store.get(overdue.id);
      expect(failed?.status).toBe('Failed');
      expect(failed?.error?.code).toBe('deadline_exceeded');
      expect(failed?.attempt).toBe(0);
      expect(failed?.expiresAt).not.toBeNull();
    });

    it('fails an abandoned last attempt', async () => {
      const last = await store.insert(newJob({ maxAttempts: 1 }));
      const retried = await store.insert(newJob({ maxAttempts: 2 }));
      await store.claim(2, { owner: 'runner-a', leaseMs: LEASE_MS });
      await clock.advance(LEASE_MS + 50);
      expect(await store.reclaimExpired()).toBe(2);
      const failed = await store.get(last.id);
      expect(failed?.status).toBe('Failed');
      expect(failed?.error?.code).toBe('processor_error');
      expect(failed?.error?.retryable).toBe(false);
      expect((await store.get(retried.id))?.status).toBe('Pending');
    });

    it('stores one job per idempotency key', async () => {
      const first = await store.insertWithKey(newJob(), keyOf());
      expect(first.kind).toBe('created');
      const again = await store.insertWithKey(newJob(), keyOf());
      expect(again.kind).toBe('existing');
      expect(again.job.id).toBe(first.job.id);
      const changed = await store.insertWithKey(newJob(), keyOf({ fingerprint: 'payload-2' }));
      expect(changed.kind).toBe('mismatch');
      expect(changed.job.id).toBe(first.job.id);
      const otherCaller = await store.insertWithKey(newJob(), keyOf({ scope: 'caller-b' }));
      expect(otherCaller.kind).toBe('created');
      expect(otherCaller.job.id).not.toBe(first.job.id);
      expect(await store.list({ limit: 10 })).toHaveLength(2);
    });

    it('inserts one job for concurrent uses of a key', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, () => store.insertWithKey(newJob(), keyOf())),
      );
      const created = outcomes.filter((outcome) => outcome.kind === 'created');
      expect(created).toHaveLength(1);
      expect(new Set(outcomes.map((outcome) => outcome.job.id)).size).toBe(1);
      expect(await store.list({ limit: 50 })).toHaveLength(1);
    });

    it('forgets a key after its time to live', async () => {
      const first = await store.insertWithKey(newJob(), keyOf({ ttlMs: LEASE_MS }));
      await clock.advance(LEASE_MS + 50);
      const later = await store.insertWithKey(newJob(), keyOf({ ttlMs: LEASE_MS }));
      expect(later.kind).toBe('created');
      expect(later.job.id).not.toBe(first.job.id);
    });

    it('forgets a key with its deleted job', async () => {
      const first = await store.insertWithKey(newJob(), keyOf());
      const [claimed] = await store.claim(1, LONG_LEASE);
      await store.complete(first.job.id, claimed?.attempt ?? 0, {});
      await clock.advance(RETENTION_MS + 50);
      expect(await store.deleteExpired()).toBe(1);
      const later = await store.insertWithKey(newJob(), keyOf());
      expect(later.kind).toBe('created');
      expect(later.job.id).not.toBe(first.job.id);
    });
  });
}
