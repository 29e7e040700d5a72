/** One engine run: how many trivial jobs, how many at a time, and where. */
export interface EngineRun {
  jobs: number;
  concurrency: number;
  /** Use the engine's batching, for submits and for fetching jobs, where it has one. */
  batched: boolean;
  databaseUrl: string;
  /** PostgreSQL schema of this run, `bench_*`, dropped afterwards. */
  schema: string;
  /** Reads the server's current WAL position in bytes, on a connection of its own. */
  walPosition: () => Promise<number>;
}

/** Times of one run in milliseconds, from the first submit. */
export interface EngineTiming {
  /** Until every submit has returned. */
  submitMs: number;
  /** Until the engine reported the last job completed. */
  totalMs: number;
  /** WAL that the database server wrote while the clock ran, in bytes. */
  walBytes: number;
}

/**
 * Starts the engine's worker, submits `jobs` trivial jobs and resolves once all are completed.
 * Setup (migrations, connections, worker start) happens before the clock starts.
 */
export type Engine = (run: EngineRun) => Promise<EngineTiming>;

/** Submits jobs with at most `concurrency` submits in flight, as concurrent clients would. */
export async function submitEach(
  count: number,
  concurrency: number,
  submit: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await submit(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
}

/** Submits jobs in chunks of `BATCH_SIZE`, one chunk at a time. */
export async function submitInChunks(
  count: number,
  submitChunk: (indexes: number[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < count; start += BATCH_SIZE) {
    const end = Math.min(count, start + BATCH_SIZE);
    await submitChunk(Array.from({ length: end - start }, (_, offset) => start + offset));
  }
}

/** Jobs per bulk submit and per batched fetch. */
export const BATCH_SIZE = 100;

/** Returns a promise that resolves once `count` calls of `tick` have happened. */
export function countdown(count: number): { tick(): void; done: Promise<void> } {
  let remaining = count;
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((settle) => {
    resolve = settle;
  });
  if (count === 0) resolve();
  return {
    tick() {
      remaining -= 1;
      if (remaining === 0) resolve();
    },
    done,
  };
}
