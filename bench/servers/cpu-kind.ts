import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { z } from 'zod';
import type { JobKind } from '../../src/kinds/job-kind.js';

/** Work of one CPU-bound job, and the longest stretch it keeps the event loop busy, in ms. */
export const CPU_JOB_MS = 200;
export const CPU_SLICE_MS = 10;

/** Busy-loops for `ms` milliseconds of wall time. */
function burn(ms: number): void {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x = (x * 31 + 7) % 1_000_003;
  if (x < 0) throw new Error('unreachable');
}

/** A processor that computes for CPU_JOB_MS, yielding to the event loop between slices. */
export const cpuKind: JobKind<{ slices: number }, { slices: number }> = {
  name: 'bench-cpu',
  inputSchema: z.object({ slices: z.number().int().positive() }),
  timeoutMs: 60_000,
  pollIntervalMs: 1_000,
  async process(input, context) {
    for (let slice = 0; slice < input.slices; slice += 1) {
      context.signal.throwIfAborted();
      burn(CPU_SLICE_MS);
      await yieldToEventLoop();
    }
    return input;
  },
};
