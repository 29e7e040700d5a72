import { createPostgresBackend, Queue, Worker } from 'bullmq';
import { countdown, type Engine, submitEach, submitInChunks } from './engine.js';

/**
 * BullMQ 6 on its PostgreSQL backend (`createPostgresBackend`), in the run's schema. Batched
 * runs submit with `addBulk`; the open-source Worker has no batched processing.
 */
export const bullmqEngine: Engine = async (run) => {
  const connection = { connectionString: run.databaseUrl, schema: run.schema, migrate: true };
  const queue = new Queue('bench', { connection }, createPostgresBackend);
  await queue.waitUntilReady();
  const completed = countdown(run.jobs);
  const worker = new Worker(
    'bench',
    async (job) => job.data,
    { connection, concurrency: run.concurrency, removeOnComplete: { count: 0 } },
    createPostgresBackend,
  );
  worker.on('completed', () => completed.tick());
  worker.on('error', (error) => console.error('bullmq worker error:', error));
  await worker.waitUntilReady();

  const walStart = await run.walPosition();
  const started = performance.now();
  if (run.batched) {
    await submitInChunks(run.jobs, (indexes) =>
      queue.addBulk(indexes.map((index) => ({ name: 'noop', data: { index } }))),
    );
  } else {
    await submitEach(run.jobs, run.concurrency, (index) => queue.add('noop', { index }));
  }
  const submitMs = performance.now() - started;
  await completed.done;
  const totalMs = performance.now() - started;
  const walBytes = (await run.walPosition()) - walStart;

  await worker.close();
  await queue.close();
  return { submitMs, totalMs, walBytes };
};
