import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../../bench/scenarios/scenario.js';
import { createTempDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../bench/cli.ts', import.meta.url));
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// Checks that the harness runs and reports figures; the figures themselves are not judged.
describe('bench harness', () => {
  it('runs the load scenario in smoke mode', { timeout: 120_000 }, async () => {
    const out = createTempDir();
    cleanups.push(() => out.remove());

    await run(process.execPath, ['--import', 'tsx', CLI, '--smoke', 'load', '--out', out.path], {
      timeout: 110_000,
    });

    const resultFile = join(out.path, 'bench', 'results', 'load.json');
    expect(existsSync(resultFile)).toBe(true);
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ScenarioResult;
    expect(result.smoke).toBe(true);
    const figures = result.tables.flatMap((table) => table.rows.flat());
    const numbers = figures.filter((value): value is number => typeof value === 'number');
    expect(numbers.length).toBeGreaterThan(0);
    for (const value of numbers) expect(Number.isFinite(value)).toBe(true);
    const markdown = readFileSync(join(out.path, 'BENCHMARKS.md'), 'utf8');
    expect(markdown).toContain('## Poll latency while the runner is busy');
  });
});
