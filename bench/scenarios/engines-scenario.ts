import { fileURLToPath } from 'node:url';
import type { EngineName } from '../engines/all-engines.js';
import type { EngineRun, EngineTiming } from '../engines/engine.js';
import { parseJsonLine, startTsProcess } from '../support/child-process.js';
import { BENCH_DATABASE_URL } from '../support/postgres-schema.js';
import { median, round } from '../support/stats.js';
import {
  type BenchContext,
  type Scenario,
  type ScenarioResult,
  type Target,
  target,
} from './scenario.js';

const ENGINE_CHILD = fileURLToPath(new URL('../engines/engine-child.ts', import.meta.url));
const ENGINE_NAMES: EngineName[] = ['jobtoken', 'bullmq', 'graphile-worker', 'pg-boss'];
/** Jobs run at the same time, and submits in flight, for every engine. */
const CONCURRENCY = 10;

/** Runs one engine in its own process; the engine creates and drops its own schema. */
async function runEngine(
  engine: EngineName,
  run: Omit<EngineRun, 'schema' | 'databaseUrl' | 'walPosition'>,
): Promise<EngineTiming> {
  const request = { engine, databaseUrl: BENCH_DATABASE_URL, ...run };
  const child = startTsProcess(ENGINE_CHILD, [JSON.stringify(request)]);
  const timing = await child.waitForLine(
    (line) => parseJsonLine(line)?.engineTiming as EngineTiming | undefined,
    300_000,
  );
  // The child drops its schema after printing the timing, so it must not be stopped early.
  await child.finish(60_000);
  return timing;
}

/** Method of the engine scenario for `jobs` jobs, one sentence per item. */
export function engineMethod(jobs: number): string[] {
  return [
    `Each engine submits ${jobs} trivial jobs (the handler returns at once) and runs them ` +
      `with concurrency ${CONCURRENCY}, on the same PostgreSQL, each in a fresh schema and ` +
      'its own process. The clock runs from the first submit until every completion is ' +
      'written: jobtoken and BullMQ report a job completed after writing it; graphile-worker ' +
      'reports success before its batched completion deletes the row, so its run ends once ' +
      'its job table is empty; pg-boss runs end once its job table counts every job completed.',
    'WAL bytes/job is the write-ahead log the database server wrote while the clock ran ' +
      '(`pg_current_wal_lsn()` before and after), divided by the number of jobs.',
    `Unbatched: single submits with ${CONCURRENCY} in flight, and one job per fetch. ` +
      'Batched: bulk submits of 100 (`addBulk`, `addJobs`, `insert`) and each engine’s ' +
      'batched fetch where it has one: graphile-worker `localQueue` with ' +
      '`completeJobBatchDelay: 0`, pg-boss `batchSize: 100`. The BullMQ open-source Worker ' +
      'has no batched fetch. jobtoken has no bulk submit call, but its PostgreSQL store writes ' +
      'concurrent inserts in one statement, so its batched run starts each chunk of 100 ' +
      'inserts at once. Its batched fetch is the runner’s `prefetch: 100` (`JOB_PREFETCH=100`), ' +
      'which claims up to 100 jobs beyond the free slots, as graphile-worker’s local queue ' +
      'does; the unbatched run claims only for free slots.',
    'jobtoken runs its JobRunner on the PostgreSQL store as `src/jobtoken.ts` assembles it. ' +
      'BullMQ 6 uses its PostgreSQL backend (`createPostgresBackend`), not Redis.',
    'pg-boss 10 has no in-process concurrency for one `work` call, so it gets ' +
      `${CONCURRENCY} \`work\` calls; each waits its polling interval (0.5 s, the minimum) ` +
      'after a fetch, which bounds its unbatched throughput.',
    'The ratio is jobtoken’s jobs/s divided by the other engine’s in the same run; the ' +
      'engine order rotates from run to run.',
  ];
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const jobs = context.smoke ? 100 : 2000;
  const rows: (string | number)[][] = [];
  const targets: Target[] = [];
  for (const batched of [false, true]) {
    const mode = batched ? 'batched' : 'unbatched';
    const throughput = new Map<EngineName, number[]>(ENGINE_NAMES.map((name) => [name, []]));
    const submitRate = new Map<EngineName, number[]>(ENGINE_NAMES.map((name) => [name, []]));
    const walPerJob = new Map<EngineName, number[]>(ENGINE_NAMES.map((name) => [name, []]));
    const ratios = new Map<EngineName, number[]>(ENGINE_NAMES.map((name) => [name, []]));
    for (let run = 0; run < context.runs; run += 1) {
      const order = ENGINE_NAMES.map(
        (_, index) => ENGINE_NAMES[(index + run) % ENGINE_NAMES.length] as EngineName,
      );
      const thisRun = new Map<EngineName, number>();
      for (const engine of order) {
        const timing = await runEngine(engine, { jobs, concurrency: CONCURRENCY, batched });
        const jobsPerSecond = jobs / (timing.totalMs / 1000);
        thisRun.set(engine, jobsPerSecond);
        throughput.get(engine)?.push(jobsPerSecond);
        submitRate.get(engine)?.push(jobs / (timing.submitMs / 1000));
        walPerJob.get(engine)?.push(timing.walBytes / jobs);
        context.log(`engines ${mode} run ${run + 1}: ${engine} ${round(jobsPerSecond)} jobs/s`);
      }
      const ours = thisRun.get('jobtoken') ?? 0;
      for (const engine of ENGINE_NAMES)
        ratios.get(engine)?.push(ours / (thisRun.get(engine) ?? 1));
    }
    for (const engine of ENGINE_NAMES) {
      rows.push([
        engine,
        mode,
        round(median(throughput.get(engine) ?? [])),
        round(median(submitRate.get(engine) ?? [])),
        Math.round(median(walPerJob.get(engine) ?? [])),
        engine === 'jobtoken' ? '1' : round(median(ratios.get(engine) ?? [])),
      ]);
      if (engine === 'jobtoken') continue;
      targets.push(
        target(
          `jobtoken ahead of ${engine}, ${mode}`,
          round(median(ratios.get(engine) ?? [])),
          1,
          'min',
          ENGINE_MISS_REASONS[engine]?.[mode],
        ),
      );
    }
  }
  return {
    scenario: 'engines',
    title: 'Engine throughput on PostgreSQL',
    smoke: context.smoke,
    runs: context.runs,
    measuredAt: new Date().toISOString(),
    method: engineMethod(jobs),
    tables: [
      {
        title: 'Jobs per second, submit to last completion (median of runs)',
        columns: ['engine', 'mode', 'jobs/s', 'submits/s', 'WAL bytes/job', 'jobtoken / engine'],
        rows,
      },
    ],
    targets,
    notes: [],
  };
}

/** Reasons jobtoken trails an engine, shown for targets that are missed. */
const ENGINE_MISS_REASONS: Partial<
  Record<EngineName, Partial<Record<'unbatched' | 'batched', string>>>
> = {
  'graphile-worker': {
    batched:
      'On two cores the database does most of the work, and jobtoken asks more of it: it ' +
      'keeps every finished job with its result, so completing a job writes a new row ' +
      'version with entries in three indexes, where graphile-worker deletes the row. With ' +
      'the indexes that claims, lists and sweeps read (Pending jobs by age, status, lease, ' +
      'deadline and expiry), each job writes about twice the WAL (see the table), and every ' +
      'commit waits for that WAL to reach the disk.',
  },
  'pg-boss': {
    batched: 'pg-boss fetches 100 jobs per call and completes them in one statement.',
  },
  bullmq: {
    unbatched:
      'BullMQ completes a job and fetches the next one in one transaction (`moveToCompleted` ' +
      'with `fetchNext` in its PostgreSQL backend).',
    batched:
      'BullMQ completes a job and fetches the next one in one transaction (`moveToCompleted` ' +
      'with `fetchNext` in its PostgreSQL backend).',
  },
};

export const enginesScenario: Scenario = {
  name: 'engines',
  title: 'Engine throughput on PostgreSQL',
  // pg-boss needs about 100 s for one unbatched run of 2000 jobs, so fewer runs keep it short.
  defaultRuns: 3,
  run: measure,
};
