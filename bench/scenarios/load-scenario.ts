import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPU_JOB_MS, CPU_SLICE_MS } from '../servers/cpu-kind.js';
import { parseJsonLine, startTsProcess } from '../support/child-process.js';
import { runLoad } from '../support/load.js';
import { median, round } from '../support/stats.js';
import type { BenchContext, Scenario, ScenarioResult } from './scenario.js';

const CPU_LOAD_SERVER = fileURLToPath(new URL('../servers/cpu-load-server.ts', import.meta.url));
const RUNNER_CONCURRENCY = 4;

/** Note on the busy latency of polls while processors share the event loop. */
export const LOAD_NOTE =
  'Processors run on the event loop that also serves HTTP, and every busy runner slot runs ' +
  'one slice per event-loop turn, so a poll waits for about one slice per slot: the busy p50 ' +
  `is near ${RUNNER_CONCURRENCY} × ${CPU_SLICE_MS} ms. The busy p99 has a long tail, up to a ` +
  'whole job in some runs; its cause was not pinned down. A processor that never yields ' +
  'delays polls by its whole run time.';

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const durationSeconds = context.smoke ? 1 : 4;
  const server = startTsProcess(CPU_LOAD_SERVER, [join(context.tempDir, 'load.db')]);
  const idle = { p50Ms: [] as number[], p99Ms: [] as number[] };
  const busy = { p50Ms: [] as number[], p99Ms: [] as number[] };
  const ratios: number[] = [];
  try {
    const { url, jobId } = await server.waitForLine((line) => {
      const entry = parseJsonLine(line);
      return entry?.ready ? { url: String(entry.url), jobId: String(entry.jobId) } : undefined;
    });
    const probe = () =>
      runLoad({
        mode: 'probe',
        origin: url,
        method: 'GET',
        paths: [`/jobs/${jobId}`],
        connections: 4,
        durationSeconds,
      });
    // Enough jobs to keep every runner slot busy for the probe and its start-up, twice over.
    const burst = Math.ceil(((durationSeconds * 1000) / CPU_JOB_MS) * RUNNER_CONCURRENCY * 2);
    for (let run = 0; run < context.runs; run += 1) {
      const quiet = await probe();
      server.child.stdin?.write(`burn ${burst}\n`);
      // Inserts on SQLite wait for fsync, so the probe starts once the burst is stored.
      await server.waitForLine((line) => (parseJsonLine(line)?.queued ? true : undefined));
      const loaded = await probe();
      idle.p50Ms.push(quiet.p50Ms);
      idle.p99Ms.push(quiet.p99Ms);
      busy.p50Ms.push(loaded.p50Ms);
      busy.p99Ms.push(loaded.p99Ms);
      ratios.push(loaded.p99Ms / quiet.p99Ms);
      context.log(
        `load run ${run + 1}: p99 idle ${round(quiet.p99Ms)} ms, busy ${round(loaded.p99Ms)} ms`,
      );
      await server.waitForLine((line) => (parseJsonLine(line)?.idle ? true : undefined), 120_000);
    }
  } finally {
    await server.stop();
  }
  return {
    scenario: 'load',
    title: 'Poll latency while the runner is busy',
    smoke: context.smoke,
    runs: context.runs,
    measuredAt: new Date().toISOString(),
    method: [
      'A bench-only server process assembles jobtoken on SQLite with the runner (concurrency ' +
        `${RUNNER_CONCURRENCY}) and adds a CPU-bound job kind: ${CPU_JOB_MS} ms of computation ` +
        `in slices of ${CPU_SLICE_MS} ms that yield to the event loop in between.`,
      `A keep-alive probe process polls one finished job on 4 connections for ${durationSeconds} ` +
        's while the runner is idle, then again right after a burst of CPU-bound jobs that ' +
        'keeps all runner slots busy for longer than the probe.',
      'The ratio is busy p99 over idle p99 within one run; no target is set.',
    ],
    tables: [
      {
        title: 'REST poll latency of a finished job (median of runs)',
        columns: ['runner', 'p50 ms', 'p99 ms', 'busy / idle p99'],
        rows: [
          ['idle', round(median(idle.p50Ms)), round(median(idle.p99Ms)), '1'],
          ['busy', round(median(busy.p50Ms)), round(median(busy.p99Ms)), round(median(ratios))],
        ],
      },
    ],
    targets: [],
    notes: [LOAD_NOTE],
  };
}

export const loadScenario: Scenario = {
  name: 'load',
  title: 'Poll latency while the runner is busy',
  run: measure,
};
