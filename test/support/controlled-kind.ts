import { z } from 'zod';
import type { JobKind, ProcessContext, RetryPolicy } from '../../src/kinds/job-kind.js';

/** A processor run that a test drives by hand. */
export interface ControlledRun {
  jobId: string;
  context: ProcessContext;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/**
 * Creates a job kind whose processor waits until the test settles it, so tests decide exactly when and
 * how each job ends. `ignoreAbort` makes the processor deaf to its signal, like a buggy one.
 */
export function createControlledKind(
  options: { name?: string; timeoutMs?: number; ignoreAbort?: boolean; retry?: RetryPolicy } = {},
) {
  const runs: ControlledRun[] = [];
  const waiters: ((run: ControlledRun) => void)[] = [];
  const kind: JobKind<{ value: string }, unknown> = {
    name: options.name ?? 'controlled',
    inputSchema: z.strictObject({ value: z.string() }),
    timeoutMs: options.timeoutMs ?? 60_000,
    pollIntervalMs: 1_000,
    ...(options.retry ? { retry: options.retry } : {}),
    process: (_input, context) =>
      new Promise((resolve, reject) => {
        const run = { jobId: context.jobId, context, resolve, reject };
        if (!options.ignoreAbort) {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
        }
        runs.push(run);
        waiters.shift()?.(run);
      }),
  };
  /** Resolves with the next run that starts, or one that already started and was not taken. */
  const nextRun = (): Promise<ControlledRun> => {
    const started = runs.shift();
    if (started) return Promise.resolve(started);
    return new Promise((resolve) => {
      waiters.push((run) => {
        runs.splice(runs.indexOf(run), 1);
        resolve(run);
      });
    });
  };
  return { kind, nextRun };
}
