import { join } from 'node:path';
import {
  FORECAST_BODY,
  graphql,
  type JobtokenProcess,
  startJobtoken,
  submitForecast,
} from '../support/jobtoken-process.js';
import { runLoad } from '../support/load.js';
import { BENCH_DATABASE_URL, benchSchemaName, dropSchema } from '../support/postgres-schema.js';
import { median, percentile, round } from '../support/stats.js';
import type { BenchContext, Scenario, ScenarioResult } from './scenario.js';

const CONNECTIONS = 16;

const STARTED_QUERY = `query Started($id: ID!) {
  job(id: $id, wait: 5) { status createdAt startedAt }
}`;
const PENDING_QUERY = 'query { jobs(status: PENDING, first: 1) { edges { node { id } } } }';

interface StoreFigures {
  submitsPerSecond: number[];
  submitP99Ms: number[];
  /** startedAt − createdAt of each job, by the server's clock, in ms. */
  queueMs: number[];
  /** From just before the client sent the submit until startedAt, in ms. */
  clientMs: number[];
}

/** Waits until the runner has claimed every queued job, so a backlog does not skew latency. */
async function waitForEmptyQueue(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const data = await graphql<{ jobs: { edges: unknown[] } }>(url, PENDING_QUERY, {});
    if (data.jobs.edges.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`jobs were still Pending after ${timeoutMs} ms`);
}

/** Submits jobs one at a time and records when each started running. */
async function measureStartLatency(server: JobtokenProcess, count: number, figures: StoreFigures) {
  for (let index = 0; index < count; index += 1) {
    const sentAt = Date.now();
    const id = await submitForecast(server.url);
    for (;;) {
      const { job } = await graphql<{
        job: { createdAt: string; startedAt: string | null } | null;
      }>(server.url, STARTED_QUERY, { id });
      if (!job) throw new Error(`job ${id} vanished`);
      if (job.startedAt === null) continue;
      const startedAt = Date.parse(job.startedAt);
      figures.queueMs.push(startedAt - Date.parse(job.createdAt));
      figures.clientMs.push(startedAt - sentAt);
      break;
    }
  }
}

async function measureStore(
  context: BenchContext,
  store: 'sqlite' | 'postgres',
): Promise<StoreFigures> {
  const schema = benchSchemaName('submit');
  const databaseUrl =
    store === 'sqlite'
      ? join(context.tempDir, 'submit.db')
      : `${BENCH_DATABASE_URL}?schema=${schema}`;
  const server = await startJobtoken({ DATABASE_URL: databaseUrl, FORECAST_DURATION_MS: '0' });
  const figures: StoreFigures = {
    submitsPerSecond: [],
    submitP99Ms: [],
    queueMs: [],
    clientMs: [],
  };
  try {
    for (let run = 0; run < context.runs; run += 1) {
      await waitForEmptyQueue(server.url);
      await measureStartLatency(server, context.smoke ? 5 : 50, figures);
      const load = await runLoad({
        mode: 'autocannon',
        origin: server.url,
        method: 'POST',
        paths: ['/jobs'],
        headers: { 'content-type': 'application/json' },
        body: FORECAST_BODY,
        connections: CONNECTIONS,
        durationSeconds: context.smoke ? 1 : 5,
      });
      if (load.non2xx > 0 || load.errors > 0) {
        throw new Error(`${store} submits: ${load.non2xx} non-2xx, ${load.errors} errors`);
      }
      figures.submitsPerSecond.push(load.requestsPerSecond);
      figures.submitP99Ms.push(load.p99Ms);
      context.log(`submit ${store} run ${run + 1}: ${round(load.requestsPerSecond)} submits/s`);
    }
  } finally {
    await server.stop();
    if (store === 'postgres') await dropSchema(schema);
  }
  return figures;
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const sqlite = await measureStore(context, 'sqlite');
  const postgres = await measureStore(context, 'postgres');
  const row = (name: string, figures: StoreFigures) => [
    name,
    round(median(figures.submitsPerSecond)),
    round(median(figures.submitP99Ms)),
    round(percentile(figures.queueMs, 50)),
    round(percentile(figures.queueMs, 99)),
    round(percentile(figures.clientMs, 50)),
    round(percentile(figures.clientMs, 99)),
  ];
  return {
    scenario: 'submit',
    title: 'Submit throughput and time to Running',
    smoke: context.smoke,
    runs: context.runs,
    measuredAt: new Date().toISOString(),
    method: [
      'jobtoken runs from `src/main.ts` as its own process with API and runner (concurrency ' +
        '4, the default) and forecasts of 0 ms, on a SQLite file or a fresh PostgreSQL schema.',
      `Throughput: autocannon sends \`POST /jobs\` on ${CONNECTIONS} connections for a few ` +
        'seconds per run; every answer must be 202, which the server sends only after the job ' +
        'is committed.',
      'Time to Running: before each throughput load, and once the queue is empty, jobs are ' +
        'submitted one at a time and polled with `job(id, wait: 5)` until `startedAt` is set. ' +
        '“queue” is `startedAt − createdAt` by the server clock; “client” is from just before ' +
        'the submit was sent until `startedAt` (same machine, same clock, millisecond ' +
        'resolution).',
      'No target is set for this scenario.',
    ],
    tables: [
      {
        title: 'Submits (median of runs) and time to Running (all jobs of all runs)',
        columns: [
          'store',
          'submits/s',
          'submit p99 ms',
          'queue p50 ms',
          'queue p99 ms',
          'client p50 ms',
          'client p99 ms',
        ],
        rows: [row('SQLite', sqlite), row('PostgreSQL', postgres)],
      },
    ],
    targets: [],
    notes: [],
  };
}

export const submitScenario: Scenario = {
  name: 'submit',
  title: 'Submit throughput and time to Running',
  run: measure,
};
