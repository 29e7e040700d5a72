import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRssBytes } from '../support/child-process.js';
import { type JobtokenProcess, startJobtoken } from '../support/jobtoken-process.js';
import { runLoad } from '../support/load.js';
import { seedSqlite } from '../support/seed-sqlite.js';
import { median, round } from '../support/stats.js';
import { type BenchContext, type Scenario, type ScenarioResult, target } from './scenario.js';

/** Pending jobs polled for latency; the same number in both databases. */
const WAITING_JOBS = 1_000;
/** Finished jobs polled to fill the cache before RSS is read; more than its 10,000 entries. */
const FINISHED_SAMPLE = 30_000;

/** Note on what the RSS comparison includes besides stored jobs. */
export const SCALE_MEMORY_NOTE =
  'The small server caches all of its 1,000 finished jobs and the large one 10,000, the cache ' +
  'maximum, so part of the RSS difference is the cache itself. RSS also counts heap that V8 ' +
  'has not returned to the system yet, so it is an upper bound of the memory in use.';

interface ScaleServer {
  jobs: number;
  server: JobtokenProcess;
  waitingPaths: string;
  finishedPaths: string;
  p50Ms: number[];
  p99Ms: number[];
  rssBytes: number;
}

async function startScaleServer(context: BenchContext, jobs: number): Promise<ScaleServer> {
  const filename = join(context.tempDir, `scale-${jobs}.db`);
  const started = performance.now();
  const ids = await seedSqlite(filename, {
    finished: jobs,
    waiting: WAITING_JOBS,
    sample: FINISHED_SAMPLE,
  });
  context.log(`scale: seeded ${jobs} jobs in ${round((performance.now() - started) / 1000)} s`);
  const waitingPaths = join(context.tempDir, `scale-${jobs}-waiting.txt`);
  writeFileSync(waitingPaths, ids.waiting.map((id) => `/jobs/${id}\n`).join(''));
  const finishedPaths = join(context.tempDir, `scale-${jobs}-finished.txt`);
  writeFileSync(finishedPaths, ids.finished.map((id) => `/jobs/${id}\n`).join(''));
  const server = await startJobtoken({ DATABASE_URL: filename });
  return { jobs, server, waitingPaths, finishedPaths, p50Ms: [], p99Ms: [], rssBytes: 0 };
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const sizes = context.smoke ? [1_000, 10_000] : [1_000, 1_000_000];
  const durationSeconds = context.smoke ? 1 : 4;
  const servers: ScaleServer[] = [];
  try {
    for (const jobs of sizes) servers.push(await startScaleServer(context, jobs));
    const ratios: number[] = [];
    for (let run = 0; run < context.runs; run += 1) {
      const order = run % 2 === 0 ? servers : [...servers].reverse();
      for (const item of order) {
        const result = await runLoad({
          mode: 'probe',
          origin: item.server.url,
          method: 'GET',
          paths: [],
          pathsFile: item.waitingPaths,
          connections: 4,
          durationSeconds,
        });
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`scale: ${result.non2xx} polls of Pending jobs failed`);
        }
        item.p50Ms.push(result.p50Ms);
        item.p99Ms.push(result.p99Ms);
        context.log(`scale run ${run + 1}: ${item.jobs} jobs p50 ${round(result.p50Ms)} ms`);
      }
      const [small, large] = servers;
      ratios.push((large?.p50Ms.at(-1) ?? 0) / (small?.p50Ms.at(-1) ?? 1));
    }
    for (const item of servers) {
      const fill = await runLoad({
        mode: 'autocannon',
        origin: item.server.url,
        method: 'GET',
        paths: [],
        pathsFile: item.finishedPaths,
        connections: 8,
        durationSeconds: context.smoke ? 1 : 10,
      });
      if (fill.errors > 0 || fill.non2xx > 0) throw new Error('scale: finished polls failed');
      item.rssBytes = await readRssBytes(item.server.child.pid as number);
      context.log(`scale: ${item.jobs} jobs, RSS ${round(item.rssBytes / 2 ** 20)} MiB`);
    }
    const [small, large] = servers as [ScaleServer, ScaleServer];
    const rssRatio = large.rssBytes / small.rssBytes;
    return {
      scenario: 'scale',
      title: 'Scale: stored jobs, poll latency and memory',
      smoke: context.smoke,
      runs: context.runs,
      measuredAt: new Date().toISOString(),
      method: [
        `Two SQLite files hold ${sizes.map((size) => size.toLocaleString('en')).join(' and ')} ` +
          `Completed forecast jobs plus ${WAITING_JOBS} Pending jobs whose next attempt is a ` +
          'year away, bulk-inserted with one prepared statement in one transaction; a ' +
          'jobtoken server from `src/main.ts` runs on each, both at once.',
        'Latency: a keep-alive probe process with 4 connections polls `GET /jobs/{id}` of the ' +
          'Pending jobs in turn; unfinished jobs are never cached, so every poll reads SQLite. ' +
          'Each run probes both servers, in alternating order; the ratio compares p50 within ' +
          'a run.',
        `Memory: autocannon then polls ${FINISHED_SAMPLE.toLocaleString('en')} distinct ` +
          'finished jobs (all of them on the small file), more than the 10,000 entries of the ' +
          'finished-job cache, and RSS is read from /proc. Bounded means the large store ' +
          'costs at most 1.5x the memory of the small one, whose cache is nearly full too.',
      ],
      tables: [
        {
          title: 'Poll latency of Pending jobs and RSS',
          columns: ['stored jobs', 'p50 ms', 'p99 ms', 'RSS MiB'],
          rows: servers.map((item) => [
            item.jobs.toLocaleString('en'),
            round(median(item.p50Ms)),
            round(median(item.p99Ms)),
            round(item.rssBytes / 2 ** 20),
          ]),
        },
      ],
      targets: [
        target(
          `poll p50 with ${sizes[1]?.toLocaleString('en')} jobs ≤ 1.2x of ${sizes[0]?.toLocaleString('en')}`,
          round(median(ratios)),
          1.2,
          'max',
          'Lookups by primary key grow with the depth of the B-tree and with page-cache misses.',
        ),
        target(
          'RSS bounded by the cache, not by the job count',
          round(rssRatio),
          1.5,
          'max',
          'Memory grows with the number of stored jobs.',
        ),
      ],
      notes: [SCALE_MEMORY_NOTE],
    };
  } finally {
    for (const item of servers) await item.server.stop();
  }
}

export const scaleScenario: Scenario = {
  name: 'scale',
  title: 'Scale: stored jobs, poll latency and memory',
  run: measure,
};
