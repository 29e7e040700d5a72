/**
 * jobtoken assembled as `src/jobtoken.ts` does (SQLite, finished-job cache, runner with
 * concurrency 4), plus a CPU-bound job kind that exists only in this benchmark. Prints
 * `{"ready": true, "url", "jobId"}` once a forecast job has finished, for polls. Each stdin
 * line `burn N` queues N CPU-bound jobs and prints `{"queued": N}`; `{"idle": true}` follows once
 * none is left.
 */
import { createInterface } from 'node:readline';
import { createApp } from '../../src/http/create-app.js';
import { listen } from '../../src/http/http-server.js';
import { createJobId } from '../../src/job/job-id.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import type { JobKind } from '../../src/kinds/job-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { CachedJobStore } from '../../src/store/cached/cached-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { CPU_JOB_MS, CPU_SLICE_MS, cpuKind } from './cpu-kind.js';

const filename = process.argv[2];
if (!filename) throw new Error('Missing argument: the SQLite file to use.');
const logger = createLogger('warn');
const store = new CachedJobStore(new SqliteJobStore({ filename, retentionMs: 24 * 3600 * 1000 }));
const kinds = new KindRegistry([
  createForecastKind({ durationMs: 0, timeoutMs: 60_000 }),
  cpuKind as JobKind,
]);
const app = createApp({ store, kinds, logger });
const runner = new JobRunner({ store, kinds, logger, concurrency: 4 });
await runner.start({ recoverAbandoned: true });
const { server, address } = await listen(app, 0, '127.0.0.1');
const url = `http://127.0.0.1:${address.port}`;

const submitted = await app.fetch(
  new Request(`${url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Seattle', date: '2025-11-08' }),
  }),
);
const { jobId } = (await submitted.json()) as { jobId: string };
await new Promise<void>((resolve) => {
  const onCompleted = (job: { id: string }) => {
    if (job.id !== jobId) return;
    runner.off('job:completed', onCompleted);
    resolve();
  };
  runner.on('job:completed', onCompleted);
});
process.stdout.write(`${JSON.stringify({ ready: true, url, jobId })}\n`);

let burning = 0;
runner.on('job:completed', (job) => {
  if (job.kind !== cpuKind.name) return;
  burning -= 1;
  if (burning === 0) process.stdout.write(`${JSON.stringify({ idle: true })}\n`);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  const count = Number(/^burn (\d+)$/.exec(line.trim())?.[1] ?? Number.NaN);
  if (!Number.isInteger(count)) return;
  burning += count;
  const slices = CPU_JOB_MS / CPU_SLICE_MS;
  const inserts = Array.from({ length: count }, () =>
    store.insert({ id: createJobId(), kind: cpuKind.name, input: { slices } }),
  );
  void Promise.all(inserts).then(() =>
    process.stdout.write(`${JSON.stringify({ queued: count })}\n`),
  );
});
process.once('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  void runner.stop().then(() => store.close().then(() => process.exit(0)));
});
