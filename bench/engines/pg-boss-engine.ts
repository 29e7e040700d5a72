import PgBoss from 'pg-boss';
import { BATCH_SIZE, countdown, type Engine, submitEach, submitInChunks } from './engine.js';

/** Shortest polling interval pg-boss 10 accepts, in seconds. */
const POLLING_INTERVAL_SECONDS = 0.5;

/**
 * pg-boss 10 in the run's schema. pg-boss 10 runs one fetch loop per `work` call, so
 * concurrency is that many `work` calls. Batched runs submit with `insert` and fetch
 * `batchSize` jobs per loop. A job counts once pg-boss has marked it completed, which it does
 * after the handler returns; the count is read from its job table.
 */
export const pgBossEngine: Engine = async (run) => {
  const boss = new PgBoss({
    connectionString: run.databaseUrl,
    schema: run.schema,
    max: run.concurrency + 2,
    supervise: false,
    schedule: false,
  });
  boss.on('error', (error) => console.error('pg-boss error:', error));
  await boss.start();
  await boss.createQueue('bench');
  const handled = countdown(run.jobs);
  const batchSize = run.batched ? BATCH_SIZE : 1;
  for (let index = 0; index < run.concurrency; index += 1) {
    await boss.work(
      'bench',
      { batchSize, pollingIntervalSeconds: POLLING_INTERVAL_SECONDS },
      async (jobs) => {
        for (const _job of jobs) handled.tick();
      },
    );
  }

  const walStart = await run.walPosition();
  const started = performance.now();
  if (run.batched) {
    await submitInChunks(run.jobs, (indexes) =>
      boss.insert(indexes.map((index) => ({ name: 'bench', data: { index } }))),
    );
  } else {
    await submitEach(run.jobs, run.concurrency, (index) => boss.send('bench', { index }));
  }
  const submitMs = performance.now() - started;
  await handled.done;
  await waitForCompletedCount(boss, run);
  const totalMs = performance.now() - started;
  const walBytes = (await run.walPosition()) - walStart;

  await boss.stop({ graceful: true, wait: true });
  return { submitMs, totalMs, walBytes };
};

/** Waits until pg-boss has written every job as completed, checking every 10 ms. */
async function waitForCompletedCount(boss: PgBoss, run: { jobs: number; schema: string }) {
  const db = boss.getDb();
  for (;;) {
    const result = await db.executeSql(
      `SELECT count(*)::int AS count FROM ${run.schema}.job WHERE name = 'bench' AND state = 'completed'`,
      [],
    );
    if ((result.rows[0] as { count: number }).count >= run.jobs) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
