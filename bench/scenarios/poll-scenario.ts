import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchProcess, parseJsonLine, startTsProcess } from '../support/child-process.js';
import {
  graphql,
  POLL_QUERY,
  startJobtoken,
  submitForecast,
  waitUntilFinished,
} from '../support/jobtoken-process.js';
import { type LoadRequest, runLoad } from '../support/load.js';
import { median, round } from '../support/stats.js';
import { type BenchContext, type Scenario, type ScenarioResult, target } from './scenario.js';

const BARE_SERVER = fileURLToPath(new URL('../servers/bare-http-server.ts', import.meta.url));
const YOGA_SERVER = fileURLToPath(new URL('../servers/minimal-yoga-server.ts', import.meta.url));

/** Concurrent connections autocannon keeps open. */
const CONNECTIONS = 16;

interface PollTarget {
  key: 'bare' | 'rest' | 'yoga' | 'graphql';
  label: string;
  load: Omit<LoadRequest, 'durationSeconds'>;
}

/** Starts a baseline server and waits for its ready line. */
async function startBaseline(
  file: string,
  argument: string,
): Promise<BenchProcess & { url: string }> {
  const server = startTsProcess(file, [argument]);
  const url = await server.waitForLine((line) => {
    const entry = parseJsonLine(line);
    return entry?.ready ? String(entry.url) : undefined;
  });
  return { ...server, url };
}

/** Checks that a load got only 2xx responses, because errors would inflate throughput. */
function assertClean(label: string, result: { non2xx: number; errors: number }): void {
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx responses and ${result.errors} errors`);
  }
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const durationSeconds = context.smoke ? 1 : 5;
  const jobtoken = await startJobtoken({
    DATABASE_URL: join(context.tempDir, 'poll.db'),
    FORECAST_DURATION_MS: '0',
  });
  const servers: BenchProcess[] = [jobtoken];
  try {
    const id = await submitForecast(jobtoken.url);
    const finished = await waitUntilFinished(jobtoken.url, id);
    if (finished.status !== 200) throw new Error(`the poll job ended with ${finished.status}`);
    const { job } = await graphql<{ job: unknown }>(jobtoken.url, POLL_QUERY, { id });
    const bare = await startBaseline(BARE_SERVER, finished.body);
    servers.push(bare);
    const yoga = await startBaseline(YOGA_SERVER, JSON.stringify(job));
    servers.push(yoga);

    const graphqlLoad = (origin: string): PollTarget['load'] => ({
      mode: 'autocannon',
      origin,
      method: 'POST',
      paths: ['/graphql'],
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: POLL_QUERY, variables: { id } }),
      connections: CONNECTIONS,
    });
    const restLoad = (origin: string): PollTarget['load'] => ({
      mode: 'autocannon',
      origin,
      method: 'GET',
      paths: [`/jobs/${id}`],
      connections: CONNECTIONS,
    });
    const targets: PollTarget[] = [
      { key: 'bare', label: 'node:http, constant JSON', load: restLoad(bare.url) },
      { key: 'rest', label: 'jobtoken REST GET /jobs/{id}', load: restLoad(jobtoken.url) },
      { key: 'yoga', label: 'minimal graphql-yoga, constant', load: graphqlLoad(yoga.url) },
      { key: 'graphql', label: 'jobtoken GraphQL job(id)', load: graphqlLoad(jobtoken.url) },
    ];

    for (const item of targets) {
      context.log(`poll: warming up ${item.label}`);
      await runLoad({ ...item.load, durationSeconds: context.smoke ? 1 : 2 });
    }
    const rps = new Map<PollTarget['key'], number[]>(targets.map((item) => [item.key, []]));
    const restRatios: number[] = [];
    const graphqlRatios: number[] = [];
    for (let run = 0; run < context.runs; run += 1) {
      // Rotate the order, so that no target always runs first or last on a noisy machine.
      const order = targets.map(
        (_, index) => targets[(index + run) % targets.length] as PollTarget,
      );
      const thisRun = new Map<PollTarget['key'], number>();
      for (const item of order) {
        const result = await runLoad({ ...item.load, durationSeconds });
        assertClean(item.label, result);
        thisRun.set(item.key, result.requestsPerSecond);
        rps.get(item.key)?.push(result.requestsPerSecond);
        context.log(`poll run ${run + 1}: ${item.label} ${round(result.requestsPerSecond)} req/s`);
      }
      restRatios.push((thisRun.get('rest') ?? 0) / (thisRun.get('bare') ?? 1));
      graphqlRatios.push((thisRun.get('graphql') ?? 0) / (thisRun.get('yoga') ?? 1));
    }

    const restRatio = median(restRatios);
    const graphqlRatio = median(graphqlRatios);
    return {
      scenario: 'poll',
      title: 'Poll throughput',
      smoke: context.smoke,
      runs: context.runs,
      measuredAt: new Date().toISOString(),
      method: [
        'jobtoken runs from `src/main.ts` through tsx as its own process, on a SQLite file, ' +
          'with the default log level `info`; one forecast job is submitted and finished first.',
        `autocannon runs in a separate process with ${CONNECTIONS} connections for ` +
          `${durationSeconds} s per target and run, after one warm-up load per target.`,
        'REST polls `GET /jobs/{id}` of the finished job; the baseline is a `node:http` server ' +
          'sending the same JSON body from memory. The first REST poll runs the GraphQL ' +
          'document, and later ones get the cached bytes of that response (see ' +
          '`src/rest/finished-poll-cache.ts`).',
        'GraphQL posts the same `job(id)` query to both servers; the baseline is graphql-yoga ' +
          'with default options and a resolver that returns the same job as a constant. ' +
          'jobtoken executes the query once and then sends its cached result, because the job ' +
          'is finished.',
        'Each run measures all four servers one after another in a rotated order; a ratio ' +
          'compares two servers of the same run, and the table shows medians over the runs.',
      ],
      tables: [
        {
          title: 'Requests per second (median of runs)',
          columns: ['server', 'req/s'],
          rows: targets.map((item) => [item.label, round(median(rps.get(item.key) ?? [0]))]),
        },
        {
          title: 'Ratios per run',
          columns: ['run', 'REST / node:http', 'GraphQL / minimal yoga'],
          rows: restRatios.map((ratio, index) => [
            index + 1,
            round(ratio),
            round(graphqlRatios[index] ?? 0),
          ]),
        },
      ],
      targets: [
        target(
          'REST poll ≥ 0.5x of node:http',
          round(restRatio),
          0.5,
          'min',
          'Repeated polls of a finished job get cached response bytes, but each one still ' +
            'checks the Host header, looks up the cache and counts against the poll budget, ' +
            'which the baseline does not.',
        ),
        target(
          'GraphQL poll ≥ 1.0x of minimal yoga',
          round(graphqlRatio),
          1.0,
          'min',
          'Repeated queries of a finished job skip execution (see ' +
            '`src/graphql/finished-result-cache.ts`), but each request still builds a context ' +
            'and runs the limit, error and header plugins that the minimal server has not.',
        ),
      ],
      notes: [],
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}

export const pollScenario: Scenario = { name: 'poll', title: 'Poll throughput', run: measure };
