import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonLine, readRssBytes } from '../support/child-process.js';
import { type JobtokenProcess, startJobtoken } from '../support/jobtoken-process.js';
import { runLoad } from '../support/load.js';
import { seedSqlite } from '../support/seed-sqlite.js';
import { median, round } from '../support/stats.js';
import { type BenchContext, type Scenario, type ScenarioResult, target } from './scenario.js';

/** Pending jobs polled for latency; the same number in both databases. */
const WAITING_JOBS = 1_000;
/**
 * Query of the latency probe, sent as GraphQL GET requests. REST polls of one Pending job are
 * limited to a few per Retry-After window, and these jobs' windows last 10 minutes.
 */
const PROBE_QUERY = 'query Probe($id: ID!) { job(id: $id) { id status attempt nextAttemptAt } }';

/** Returns the GraphQL GET path that polls one job with PROBE_QUERY. */
function probePath(id: string): string {
  const query = encodeURIComponent(PROBE_QUERY);
  const variables = encodeURIComponent(JSON.stringify({ id }));
  return `/graphql?query=${query}&variables=${variables}`;
}

/** Finished jobs polled to fill the cache before RSS is read; more than its 10,000 entries. */
const FINISHED_SAMPLE = 30_000;

const HEAP_PROBE = fileURLToPath(new URL('../support/heap-probe.mjs', import.meta.url));

/** Returns the heap and external memory in use after a full GC, from the heap probe. */
async function memoryAfterGc(server: JobtokenProcess): Promise<number> {
  const reply = server.waitForLine((line) => {
    const memory = parseJsonLine(line)?.memoryAfterGc as
      | { heapUsed: number; external: number }
      | undefined;
    return memory ? memory.heapUsed + memory.external : undefined;
  });
  server.child.kill('SIGUSR2');
  return reply;
}

/** Note on what the RSS comparison includes besides stored jobs. */
export const SCALE_MEMORY_NOTE =
  'The 30,000-job server and the large one both fill their caches to the maximum, so the ' +
  'caches cancel out in the ratio. RSS also counts heap that V8 has not returned to the ' +
  'system yet and varies by about 100 MiB between runs of the same server, so the target ' +
  'compares the memory in use after a full garbage collection.';

interface ScaleServer {
  jobs: number;
  server: JobtokenProcess;
  waitingPaths: string;
  finishedPaths: string;
  p50Ms: number[];
  p99Ms: number[];
  rssBytes: number;
  /** Heap and external memory after a full garbage collection. */
  inUseBytes: number;
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
  writeFileSync(waitingPaths, ids.waiting.map((id) => `${probePath(id)}\n`).join(''));
  const finishedPaths = join(context.tempDir, `scale-${jobs}-finished.txt`);
  writeFileSync(finishedPaths, ids.finished.map((id) => `/jobs/${id}\n`).join(''));
  const server = await startJobtoken(
    { DATABASE_URL: filename },
    { nodeOptions: ['--expose-gc', '--import', HEAP_PROBE] },
  );
  return {
    jobs,
    server,
    waitingPaths,
    finishedPaths,
    p50Ms: [],
    p99Ms: [],
    rssBytes: 0,
    inUseBytes: 0,
  };
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const sizes = context.smoke ? [1_000, 10_000] : [1_000, 1_000_000];
  const durationSeconds = context.smoke ? 1 : 4;
  const servers: ScaleServer[] = [];
  /** Servers started only for the memory comparison. */
  const memoryServers: ScaleServer[] = [];
  try {
    for (const jobs of sizes) servers.push(await startScaleServer(context, jobs));
    // Holds exactly the polled sample, so that it serves the same finished polls as the large one.
    const memoryBaseline = await startScaleServer(context, FINISHED_SAMPLE);
    memoryServers.push(memoryBaseline);
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
    for (const item of [...servers, memoryBaseline]) {
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
      item.inUseBytes = await memoryAfterGc(item.server);
      context.log(
        `scale: ${item.jobs} jobs, RSS ${round(item.rssBytes / 2 ** 20)} MiB, in use after GC ` +
          `${round(item.inUseBytes / 2 ** 20)} MiB`,
      );
    }
    const large = servers[1] as ScaleServer;
    const memoryRatio = large.inUseBytes / memoryBaseline.inUseBytes;
    const rows = [...servers, memoryBaseline];
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
        'Latency: a keep-alive probe process with 4 connections polls the Pending jobs in ' +
          'turn with the GraphQL query `job(id)` sent as `GET /graphql`, because REST allows ' +
          'only a few polls of one Pending job per Retry-After window. Unfinished jobs are ' +
          'never cached, so every poll reads SQLite. Each run probes both servers, in ' +
          'alternating order; the ratio compares p50 within a run.',
        `Memory: a third server runs on a file with exactly ${FINISHED_SAMPLE.toLocaleString('en')} ` +
          'Completed jobs. autocannon polls the same number of distinct finished jobs on it and ' +
          'on the large server for 10 s, three times the 10,000 entries of each cache, so both ' +
          'serve the same mix of cache hits and store reads. Then RSS is read from /proc, and ' +
          'a preloaded bench module (`bench/support/heap-probe.mjs`) runs a full garbage ' +
          'collection and reports the heap and external memory still in use. Bounded means ' +
          'the large store keeps at most 1.5x the memory in use of that server. The ' +
          'small server is polled the same way, but only its 1,000 jobs exist there, so its ' +
          'polls are served from the caches after the first round.',
      ],
      tables: [
        {
          title: 'Poll latency of Pending jobs and RSS',
          columns: ['stored jobs', 'p50 ms', 'p99 ms', 'RSS MiB', 'in use after GC, MiB'],
          rows: rows.map((item) => [
            item.jobs.toLocaleString('en'),
            item.p50Ms.length > 0 ? round(median(item.p50Ms)) : 'not probed',
            item.p99Ms.length > 0 ? round(median(item.p99Ms)) : 'not probed',
            round(item.rssBytes / 2 ** 20),
            round(item.inUseBytes / 2 ** 20),
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
          'memory in use bounded by the caches, not by the job count',
          round(memoryRatio),
          1.5,
          'max',
          'Memory grows with the number of stored jobs.',
        ),
      ],
      notes: [SCALE_MEMORY_NOTE],
    };
  } finally {
    for (const item of [...servers, ...memoryServers]) await item.server.stop();
  }
}

export const scaleScenario: Scenario = {
  name: 'scale',
  title: 'Scale: stored jobs, poll latency and memory',
  run: measure,
};
