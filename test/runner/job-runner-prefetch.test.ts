import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/job/job.js';
import { createJobId } from '../../src/job/job-id.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner, type JobRunnerOptions } from '../../src/runner/job-runner.js';
import type { JobStore } from '../../src/store/job-store.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { createControlledKind } from '../support/controlled-kind.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { createTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

const logger = createLogger('silent');
const RETENTION_MS = 60_000;
const cleanups: (() => Promise<void>)[] = [];
const schemas: string[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

/**
 * A store backend under test. `open` prepares an empty database, and each `openStore` call opens
 * a store on it as another process would, so stores share no in-process change announcements.
 */
interface Backend {
  name: string;
  open(): Promise<{ openStore: () => Promise<JobStore> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = createTempDir();
      cleanups.push(async () => dir.remove());
      const filename = join(dir.path, 'jobs.db');
      return {
        openStore: async () => new SqliteJobStore({ filename, retentionMs: RETENTION_MS }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const schema = uniqueSchema();
      schemas.push(schema);
      return {
        openStore: () =>
          PostgresJobStore.open({
            connectionString: TEST_DATABASE_URL,
            schema,
            retentionMs: RETENTION_MS,
            logger,
          }),
      };
    },
  },
];

describe.each(backends)('JobRunner with prefetch on $name', (backend) => {
  async function setUp(
    runnerOptions: Partial<JobRunnerOptions> & { concurrency: number; prefetch: number },
    kindOptions: Parameters<typeof createControlledKind>[0] = {},
  ) {
    const database = await backend.open();
    const store = await database.openStore();
    const other = await database.openStore();

    const controlled = createControlledKind(kindOptions);
    // Every processor call, and the processors running now and at most, across the test.
    const processed: { id: string; attempt: number }[] = [];
    const processors = { active: 0, max: 0 };
    const process = controlled.kind.process;
    controlled.kind.process = async (input, context) => {
      processed.push({ id: context.jobId, attempt: context.attempt });
      processors.active += 1;
      processors.max = Math.max(processors.max, processors.active);
      try {
        return await process(input, context);
      } finally {
        processors.active -= 1;
      }
    };

    const runner = new JobRunner({
      store,
      kinds: new KindRegistry([controlled.kind]),
      logger,
      idlePollIntervalMs: 20,
      sweepIntervalMs: 50,
      ...runnerOptions,
    });
    cleanups.push(async () => {
      await runner.stop();
      await other.close();
      await store.close();
    });

    const submit = () =>
      store.insert({ id: createJobId(), kind: controlled.kind.name, input: { value: 'x' } });
    const submitMany = async (count: number) => {
      const jobs: Job[] = [];
      for (let index = 0; index < count; index += 1) jobs.push(await submit());
      return jobs;
    };
    const untilHeld = (count: number) =>
      waitFor(
        () => runner.heldCount,
        (held) => held === count,
        { what: `${count} held jobs` },
      );
    return {
      store,
      other,
      runner,
      submitMany,
      nextRun: controlled.nextRun,
      processed,
      processors,
      untilHeld,
    };
  }

  it('runs all jobs within concurrency', async () => {
    const { store, runner, submitMany, nextRun, processed, processors, untilHeld } = await setUp({
      concurrency: 2,
      prefetch: 3,
      // Only freed slots start claims here, so the claim log below is exact.
      idlePollIntervalMs: 60_000,
    });
    // Claims and starts in the order they happen.
    const events: string[] = [];
    const claimedIds: string[] = [];
    const claim = store.claim.bind(store);
    store.claim = async (limit, options) => {
      events.push(`claim ${limit}`);
      const jobs = await claim(limit, options);
      claimedIds.push(...jobs.map((job) => job.id));
      return jobs;
    };
    const startedIds: string[] = [];
    runner.on('job:started', (job) => {
      events.push('started');
      startedIds.push(job.id);
    });
    const jobs = await submitMany(7);
    const allCompleted = countEvents(runner, 'job:completed', jobs.length);
    await runner.start();

    const first = await nextRun();
    const second = await nextRun();
    await untilHeld(3);
    expect(events[0]).toBe('claim 5');
    expect(runner.activeCount).toBe(2);
    const stored = await Promise.all(jobs.map((job) => store.get(job.id)));
    expect(stored.filter((job) => job?.status === 'Running')).toHaveLength(5);
    expect(stored.filter((job) => job?.status === 'Pending')).toHaveLength(2);

    // A freed slot starts a held job before any claim; the claim then tops the queue up.
    const mark = events.length;
    first.resolve({});
    const third = await nextRun();
    await waitFor(
      () => events.length,
      (length) => length >= mark + 2,
      { what: 'the claim after the start' },
    );
    expect(events.slice(mark, mark + 2)).toEqual(['started', 'claim 1']);

    second.resolve({});
    third.resolve({});
    for (let index = 3; index < jobs.length; index += 1) (await nextRun()).resolve({});
    await allCompleted;
    expect(processors.max).toBe(2);
    expect(startedIds).toEqual(claimedIds);
    expect(processed.map((run) => run.id).sort()).toEqual(jobs.map((job) => job.id).sort());
    const finished = await Promise.all(jobs.map((job) => store.get(job.id)));
    expect(finished.map((job) => job?.status)).toEqual(jobs.map(() => 'Completed'));
    expect(finished.map((job) => job?.attempt)).toEqual(jobs.map(() => 1));
  });

  it('cancels held jobs without running them', async () => {
    const { store, other, runner, submitMany, nextRun, processed, untilHeld } = await setUp({
      concurrency: 1,
      prefetch: 2,
      heartbeatIntervalMs: 50,
    });
    const startedIds: string[] = [];
    runner.on('job:started', (job) => startedIds.push(job.id));
    const [running, heldHere, heldElsewhere] = await submitMany(3);
    if (!running || !heldHere || !heldElsewhere) throw new Error('three jobs expected');
    const cancelledIds: string[] = [];
    runner.on('job:cancelled', (job) => cancelledIds.push(job.id));
    await runner.start();
    const run = await nextRun();
    await untilHeld(2);
    expect(run.jobId).toBe(running.id);

    // A cancel through this store is announced in process. One through another store reaches
    // the runner by NOTIFY on PostgreSQL, and by the next heartbeat on SQLite.
    expect((await store.requestCancel(heldHere.id)).kind).toBe('cancelling');
    expect((await other.requestCancel(heldElsewhere.id)).kind).toBe('cancelling');
    await waitFor(
      () => cancelledIds.length,
      (count) => count === 2,
      { what: 'both held jobs to end Cancelled' },
    );
    expect(cancelledIds.sort()).toEqual([heldHere.id, heldElsewhere.id].sort());
    expect((await store.get(heldHere.id))?.status).toBe('Cancelled');
    expect((await store.get(heldElsewhere.id))?.status).toBe('Cancelled');
    expect(runner.heldCount).toBe(0);

    const completed = once(runner, 'job:completed');
    run.resolve({});
    await completed;
    expect((await store.get(running.id))?.status).toBe('Completed');
    expect(processed.map((call) => call.id)).toEqual([running.id]);
    expect(startedIds).toEqual([running.id]);
  });

  it('hands held jobs back at stop without using their attempt', async () => {
    const { store, runner, submitMany, nextRun, processed, untilHeld } = await setUp({
      concurrency: 1,
      prefetch: 2,
    });
    const [running, ...held] = await submitMany(3);
    if (!running) throw new Error('a running job expected');
    const releasedIds: string[] = [];
    runner.on('job:released', (job) => releasedIds.push(job.id));
    await runner.start();
    const run = await nextRun();
    await untilHeld(2);

    // Held jobs go back at once, while the running job gets the grace period.
    const stopped = runner.stop(10_000);
    const heldAfterStop = await waitFor(
      () => Promise.all(held.map((job) => store.get(job.id))),
      (jobs) => jobs.every((job) => job?.status === 'Pending'),
      { what: 'the held jobs to be Pending again' },
    );
    expect(heldAfterStop.map((job) => job?.attempt)).toEqual([0, 0]);
    expect(releasedIds.sort()).toEqual(held.map((job) => job.id).sort());
    expect((await store.get(running.id))?.status).toBe('Running');

    run.resolve({ late: false });
    await stopped;
    expect((await store.get(running.id))?.status).toBe('Completed');
    expect(processed.map((call) => call.id)).toEqual([running.id]);
  });

  it('renews the lease of a job held past it', async () => {
    const leaseMs = 600;
    const { store, other, runner, submitMany, nextRun, processed, untilHeld } = await setUp({
      concurrency: 1,
      prefetch: 1,
      leaseMs,
    });
    const [running, held] = await submitMany(2);
    if (!running || !held) throw new Error('two jobs expected');
    await runner.start();
    const first = await nextRun();
    await untilHeld(1);

    // Time is the subject here: the held job waits for more than three leases, while this
    // runner's own sweep (every 50 ms) would take back any lease that lapsed.
    await new Promise((resolve) => setTimeout(resolve, leaseMs * 3.5));
    expect(await other.reclaimExpired()).toBe(0);
    expect(await other.claim(10, { owner: 'another-process', leaseMs: 60_000 })).toEqual([]);
    const waiting = await store.get(held.id);
    expect(waiting?.status).toBe('Running');
    expect(waiting?.attempt).toBe(1);

    first.resolve({});
    const second = await nextRun();
    expect(second.jobId).toBe(held.id);
    expect(second.context.attempt).toBe(1);
    const completed = once(runner, 'job:completed');
    second.resolve({});
    await completed;
    const finished = await store.get(held.id);
    expect(finished?.status).toBe('Completed');
    expect(finished?.attempt).toBe(1);
    expect(processed).toEqual([
      { id: running.id, attempt: 1 },
      { id: held.id, attempt: 1 },
    ]);
  });

  it('survives a throwing job:started listener', async () => {
    const { store, runner, submitMany, nextRun, untilHeld } = await setUp({
      concurrency: 1,
      prefetch: 1,
    });
    const [first, held] = await submitMany(2);
    if (!first || !held) throw new Error('two jobs expected');
    await runner.start();
    const firstRun = await nextRun();
    await untilHeld(1);

    // The held job starts inside the first job's attempt, when its processor settles.
    runner.on('job:started', () => {
      throw new Error('listener failed');
    });
    firstRun.resolve({ first: true });
    const heldRun = await nextRun();
    const completed = once(runner, 'job:completed');
    heldRun.resolve({ held: true });
    await completed;
    await waitFor(
      () => store.get(first.id),
      (job) => job?.status === 'Completed',
      { what: 'the first job to complete' },
    );
    expect((await store.get(first.id))?.result).toEqual({ first: true });
    expect((await store.get(held.id))?.result).toEqual({ held: true });
  });

  it('starts the time limit when the processor starts', async () => {
    const timeoutMs = 1_000;
    const { store, runner, submitMany, nextRun, untilHeld } = await setUp(
      { concurrency: 1, prefetch: 1 },
      { timeoutMs },
    );
    const [, held] = await submitMany(2);
    if (!held) throw new Error('two jobs expected');
    await runner.start();
    const first = await nextRun();
    await untilHeld(1);

    // Time is the subject: the held job ends 1.2 time limits after its claim, but only 0.6
    // after its processor started.
    await new Promise((resolve) => setTimeout(resolve, timeoutMs * 0.6));
    first.resolve({});
    const second = await nextRun();
    await new Promise((resolve) => setTimeout(resolve, timeoutMs * 0.6));
    const completed = once(runner, 'job:completed');
    second.resolve({ done: true });
    await completed;
    const finished = await store.get(held.id);
    expect(finished?.status).toBe('Completed');
    expect(finished?.result).toEqual({ done: true });
  });
});

/** Resolves once the runner has emitted `event` `count` times from now on. */
function countEvents(runner: JobRunner, event: 'job:completed', count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    runner.on(event, () => {
      seen += 1;
      if (seen === count) resolve();
    });
  });
}
