/**
 * Entry of `npm run bench`: runs the named scenarios (all when none is named), stores each
 * result in `bench/results/<scenario>.json` and renders BENCHMARKS.md from the stored results.
 *
 *   npm run bench                      all scenarios
 *   npm run bench -- poll engines      some scenarios
 *   npm run bench -- --smoke poll      each scenario for a second or two
 *   npm run bench -- report            only render BENCHMARKS.md from the stored results
 *   npm run bench -- --runs 3          repetitions per scenario (default 5, engines 3, smoke 1)
 *   npm run bench -- --out DIR         where results and BENCHMARKS.md go (default the
 *                                      repository, or a temporary folder in smoke mode)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderBenchmarks } from './report/benchmarks-markdown.js';
import { readMachineInfo } from './report/machine-info.js';
import { SCENARIOS } from './scenarios/all-scenarios.js';
import type { ScenarioResult } from './scenarios/scenario.js';
import { BENCH_DATABASE_URL } from './support/postgres-schema.js';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_RUNS = 5;

function parseCommandLine() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const reportOnly = positionals.length === 1 && positionals[0] === 'report';
  const names = reportOnly
    ? []
    : positionals.length > 0
      ? positionals
      : SCENARIOS.map((scenario) => scenario.name);
  const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    const known = SCENARIOS.map((scenario) => scenario.name).join(', ');
    throw new Error(`Unknown scenario ${unknown.join(', ')}: expected one of ${known}.`);
  }
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) {
    throw new Error(`Invalid --runs ${values.runs}: expected a whole number of 1 or more.`);
  }
  const smoke = values.smoke ?? false;
  // Smoke figures are meaningless, so they never overwrite the stored results by default.
  const out =
    values.out ?? (smoke ? mkdtempSync(join(tmpdir(), 'jobtoken-bench-smoke-')) : REPOSITORY);
  return { names, runs, smoke, out };
}

function readStoredResults(resultsDir: string): ScenarioResult[] {
  const order = SCENARIOS.map((scenario) => scenario.name);
  return readdirSync(resultsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as ScenarioResult)
    .sort((a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario));
}

async function main(): Promise<void> {
  const { names, runs, smoke, out } = parseCommandLine();
  const resultsDir = join(out, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const tempDir = mkdtempSync(join(tmpdir(), 'jobtoken-bench-'));
  const log = (message: string) => console.log(`[bench] ${message}`);
  try {
    for (const name of names) {
      const scenario = SCENARIOS.find((item) => item.name === name);
      if (!scenario) continue;
      const scenarioRuns = runs ?? (smoke ? 1 : (scenario.defaultRuns ?? DEFAULT_RUNS));
      log(`${scenario.title}: starting${smoke ? ' (smoke)' : ''}, ${scenarioRuns} run(s)`);
      const result = await scenario.run({ smoke, runs: scenarioRuns, tempDir, log });
      writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
      for (const item of result.targets) {
        log(`${item.name}: ${item.measured} (${item.met ? 'met' : 'not met'})`);
      }
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
  const optimizations = readFileSync(new URL('./optimizations.md', import.meta.url), 'utf8');
  const markdown = renderBenchmarks({
    machine: await readMachineInfo(BENCH_DATABASE_URL),
    results: readStoredResults(resultsDir),
    optimizations,
  });
  writeFileSync(join(out, 'BENCHMARKS.md'), markdown);
  log(`wrote ${join(out, 'BENCHMARKS.md')}`);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});
