import { Logger, makeWorkerUtils, run as runWorker, type WorkerUtils } from 'graphile-worker';
import { BATCH_SIZE, countdown, type Engine, submitEach, submitInChunks } from './engine.js';

/**
 * graphile-worker 0.17 in the run's schema. Batched runs submit with `addJobs`, fetch jobs
 * through the local queue (`localQueue.size`) and batch completions
 * (`completeJobBatchDelay`). graphile-worker emits `job:success` before it writes the
 * completion, which deletes the job row, so a run ends once the job table is empty.
 */
export const graphileWorkerEngine: Engine = async (run) => {
  // Warnings and errors only, as the other engines log; the default logs a line per job.
  const logger = new Logger((scope) => (level, message) => {
    if (level === 'warning' || level === 'error') console.error(level, message, scope);
  });
  const preset = {
    worker: {
      connectionString: run.databaseUrl,
      schema: run.schema,
      concurrentJobs: run.concurrency,
      maxPoolSize: run.concurrency + 2,
      pollInterval: 1_000,
      logger,
      ...(run.batched ? { localQueue: { size: BATCH_SIZE }, completeJobBatchDelay: 0 } : {}),
    },
  };
  const utils = await makeWorkerUtils({ preset });
  await utils.migrate();
  const completed = countdown(run.jobs);
  const runner = await runWorker({
    preset,
    noHandleSignals: true,
    taskList: { noop: async () => undefined },
  });
  runner.events.on('job:success', () => completed.tick());

  const walStart = await run.walPosition();
  const started = performance.now();
  if (run.batched) {
    await submitInChunks(run.jobs, (indexes) =>
      utils.addJobs(indexes.map((index) => ({ identifier: 'noop', payload: { index } }))),
    );
  } else {
    await submitEach(run.jobs, run.concurrency, (index) => utils.addJob('noop', { index }));
  }
  const submitMs = performance.now() - started;
  await completed.done;
  await waitForEmptyJobTable(utils, run.schema);
  const totalMs = performance.now() - started;
  const walBytes = (await run.walPosition()) - walStart;

  await runner.stop();
  await utils.release();
  return { submitMs, totalMs, walBytes };
};

/** Waits until graphile-worker has deleted every job row, checking every 10 ms. */
async function waitForEmptyJobTable(utils: WorkerUtils, schema: string): Promise<void> {
  for (;;) {
    const { rows } = await utils.withPgClient((client) =>
      client.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM "${schema}"._private_jobs`,
      ),
    );
    if (rows[0]?.count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
