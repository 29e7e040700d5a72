import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobId } from '../../src/job/job-id.js';
import { JobFailedError } from '../../src/kinds/job-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { createControlledKind } from '../support/controlled-kind.js';
import { waitFor } from '../support/wait-for.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(kindOptions: Parameters<typeof createControlledKind>[0] = {}) {
  const store = new SqliteJobStore({ filename: ':memory:', retentionMs: 60_000 });
  const controlled = createControlledKind(kindOptions);
  const runner = new JobRunner({
    store,
    kinds: new KindRegistry([controlled.kind]),
    logger,
    concurrency: 2,
    idlePollIntervalMs: 20,
    sweepIntervalMs: 50,
  });
  cleanups.push(async () => {
    await runner.stop();
    await store.close();
  });
  const submit = (fields: { deadlineMs?: number } = {}) =>
    store.insert({
      id: createJobId(),
      kind: controlled.kind.name,
      input: { value: 'x' },
      // Room for one attempt lost to a crash, unless the kind sets its own limit.
      maxAttempts: controlled.kind.retry?.maxAttempts ?? 2,
      ...fields,
    });
  return { store, runner, submit, nextRun: controlled.nextRun };
}

describe('JobRunner', () => {
  it('runs a job to Completed', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    await runner.start();
    const job = await submit();
    const run = await nextRun();
    expect((await store.get(job.id))?.status).toBe('Running');
    await run.context.reportProgress(50, 'halfway');
    expect((await store.get(job.id))?.progress).toEqual({ percent: 50, message: 'halfway' });
    const completed = once(runner, 'job:completed');
    run.resolve({ answer: 42 });
    await completed;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Completed');
    expect(stored?.result).toEqual({ answer: 42 });
    expect(stored?.attempt).toBe(1);
  });

  it('fails a job with the processor code', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    await runner.start();
    const job = await submit();
    const failed = once(runner, 'job:failed');
    (await nextRun()).reject(new JobFailedError('unprocessable_input', 'City is gone.'));
    await failed;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Failed');
    expect(stored?.error).toEqual({
      code: 'unprocessable_input',
      message: 'City is gone.',
      retryable: false,
    });
  });

  it('hides unexpected processor errors', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    await runner.start();
    const job = await submit();
    const failed = once(runner, 'job:failed');
    (await nextRun()).reject(new Error('password=hunter2 at /srv/secret.ts:12'));
    await failed;
    const error = (await store.get(job.id))?.error;
    expect(error?.code).toBe('processor_error');
    expect(error?.message).not.toContain('hunter2');
    expect(error?.message).toBe('The job failed because of an internal error.');
  });

  it('fails a job past its time limit', async () => {
    const { store, runner, submit, nextRun } = await setUp({ timeoutMs: 50, ignoreAbort: true });
    await runner.start();
    const job = await submit();
    const failed = once(runner, 'job:failed');
    const run = await nextRun();
    await failed;
    run.resolve({ late: true });
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Failed');
    expect(stored?.error?.code).toBe('timeout');
    expect(stored?.result).toBeNull();
  });

  it('aborts a running job on cancel', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    await runner.start();
    const job = await submit();
    const run = await nextRun();
    const cancelled = once(runner, 'job:cancelled');
    await store.requestCancel(job.id);
    await cancelled;
    expect(run.context.signal.aborted).toBe(true);
    expect((await store.get(job.id))?.status).toBe('Cancelled');
  });

  it('discards a result that arrives after cancel', async () => {
    const { store, runner, submit, nextRun } = await setUp({ ignoreAbort: true });
    await runner.start();
    const job = await submit();
    const run = await nextRun();
    const cancelled = once(runner, 'job:cancelled');
    await store.requestCancel(job.id);
    run.resolve({ late: true });
    await cancelled;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Cancelled');
    expect(stored?.result).toBeNull();
    // This processor never read its signal, so the first read comes after the abort.
    expect(run.context.signal.aborted).toBe(true);
    expect(run.context.signal.reason).toMatchObject({ name: 'AbortError' });
    expect(run.context.signal).toBe(run.context.signal);
  });

  it('runs at most concurrency jobs at once', async () => {
    const { runner, submit, nextRun } = await setUp();
    await runner.start();
    await Promise.all([submit(), submit(), submit()]);
    const first = await nextRun();
    await nextRun();
    expect(runner.activeCount).toBe(2);
    const third = nextRun();
    first.resolve({});
    await third;
    expect(runner.activeCount).toBe(2);
  });

  it('recovers jobs left Running at start', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    const job = await submit();
    await store.claim(1, { owner: 'crashed', leaseMs: 60_000 });
    await runner.start({ recoverAbandoned: true });
    const run = await nextRun();
    expect(run.jobId).toBe(job.id);
    expect(run.context.attempt).toBe(2);
  });

  it('hands running jobs back at shutdown', async () => {
    const { store, runner, submit, nextRun } = await setUp();
    await runner.start();
    const job = await submit();
    await nextRun();
    const released = once(runner, 'job:released');
    await runner.stop(10);
    await released;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Pending');
    expect(stored?.attempt).toBe(0);
  });

  it('fails jobs of an unknown kind', async () => {
    const { store, runner } = await setUp();
    await runner.start();
    const failed = once(runner, 'job:failed');
    const job = await store.insert({ id: createJobId(), kind: 'unknown', input: {} });
    await failed;
    expect((await store.get(job.id))?.error?.code).toBe('processor_error');
  });

  it('retries a retryable failure after a backoff', async () => {
    const retry = { maxAttempts: 3, initialDelayMs: 40, maxDelayMs: 80 };
    const { store, runner, submit, nextRun } = await setUp({ retry });
    await runner.start();
    const job = await submit();
    const retrying = once(runner, 'job:retrying');
    (await nextRun()).reject(new JobFailedError('processor_error', 'flaky', { retryable: true }));
    const [waiting] = await retrying;
    expect(waiting.status).toBe('Pending');
    expect(waiting.error?.message).toBe('flaky');
    const delay = (waiting.nextAttemptAt?.getTime() ?? 0) - waiting.updatedAt.getTime();
    expect(delay).toBeGreaterThanOrEqual(20);
    expect(delay).toBeLessThanOrEqual(40);
    const second = await nextRun();
    expect(second.context.attempt).toBe(2);
    const completed = once(runner, 'job:completed');
    second.resolve({ ok: true });
    await completed;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Completed');
    expect(stored?.attempt).toBe(2);
  });

  it('fails at once on a non-retryable error', async () => {
    const retry = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 };
    const { store, runner, submit, nextRun } = await setUp({ retry });
    await runner.start();
    const job = await submit();
    const failed = once(runner, 'job:failed');
    (await nextRun()).reject(new JobFailedError('unprocessable_input', 'bad input'));
    await failed;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Failed');
    expect(stored?.attempt).toBe(1);
    expect(stored?.error?.code).toBe('unprocessable_input');
  });

  it('fails after the last attempt', async () => {
    const retry = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 };
    const { store, runner, submit, nextRun } = await setUp({ retry });
    await runner.start();
    const job = await submit();
    const flaky = () => new JobFailedError('processor_error', 'flaky', { retryable: true });
    (await nextRun()).reject(flaky());
    const failed = once(runner, 'job:failed');
    (await nextRun()).reject(flaky());
    await failed;
    const stored = await store.get(job.id);
    expect(stored?.status).toBe('Failed');
    expect(stored?.attempt).toBe(2);
    expect(stored?.error).toEqual({ code: 'processor_error', message: 'flaky', retryable: true });
  });

  it('fails a queued job past its deadline without running it', async () => {
    const { store, runner, submit } = await setUp();
    const job = await submit({ deadlineMs: 30 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const started: string[] = [];
    runner.on('job:started', (run) => started.push(run.id));
    await runner.start();
    const failed = await waitFor(
      () => store.get(job.id),
      (stored) => stored?.status === 'Failed',
      { what: 'the overdue job to fail' },
    );
    expect(failed?.error?.code).toBe('deadline_exceeded');
    expect(failed?.attempt).toBe(0);
    expect(started).toEqual([]);
  });
});
