import { z } from 'zod';
import { createJobId } from '../../src/job/job-id.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { CachedJobStore } from '../../src/store/cached/cached-store.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { BATCH_SIZE, countdown, type Engine, submitEach, submitInChunks } from './engine.js';

/**
 * jobtoken's own runner on its PostgreSQL store, assembled as `src/jobtoken.ts` does, with a
 * job kind that returns at once. jobtoken has no bulk submit call, but the store writes
 * concurrent inserts in one statement, so the batched run starts each chunk of inserts at once.
 * The batched run also sets the runner's `prefetch` to `BATCH_SIZE`, as an operator would with
 * `JOB_PREFETCH`. The unbatched run claims only for free slots.
 */
export const jobtokenEngine: Engine = async (run) => {
  const logger = createLogger('warn');
  const postgres = await PostgresJobStore.open({
    connectionString: run.databaseUrl,
    schema: run.schema,
    retentionMs: 24 * 3600 * 1000,
    logger,
  });
  const store = new CachedJobStore(postgres);
  const kinds = new KindRegistry([
    {
      name: 'noop',
      inputSchema: z.object({ index: z.number() }),
      timeoutMs: 60_000,
      pollIntervalMs: 1_000,
      process: async (input) => input,
    },
  ]);
  const runner = new JobRunner({
    store,
    kinds,
    logger,
    concurrency: run.concurrency,
    prefetch: run.batched ? BATCH_SIZE : 0,
  });
  const completed = countdown(run.jobs);
  runner.on('job:completed', () => completed.tick());
  await runner.start();

  const walStart = await run.walPosition();
  const started = performance.now();
  const submit = (index: number) =>
    store.insert({ id: createJobId(), kind: 'noop', input: { index } });
  if (run.batched) {
    await submitInChunks(run.jobs, (indexes) => Promise.all(indexes.map(submit)));
  } else {
    await submitEach(run.jobs, run.concurrency, submit);
  }
  const submitMs = performance.now() - started;
  await completed.done;
  const totalMs = performance.now() - started;
  const walBytes = (await run.walPosition()) - walStart;

  await runner.stop();
  await store.close();
  return { submitMs, totalMs, walBytes };
};
