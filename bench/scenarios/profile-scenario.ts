import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeCpuProfile } from '../support/cpu-profile.js';
import {
  POLL_QUERY,
  startJobtoken,
  submitForecast,
  waitUntilFinished,
} from '../support/jobtoken-process.js';
import { type LoadRequest, runLoad } from '../support/load.js';
import { round } from '../support/stats.js';
import type { BenchContext, Scenario, ScenarioResult, Table } from './scenario.js';

type Path = 'rest' | 'graphql' | 'submit';

/** Loads one path of a server started with `--cpu-prof` and summarises the profile. */
async function profilePath(context: BenchContext, path: Path): Promise<Table[]> {
  const profileDir = join(context.tempDir, `profile-${path}`);
  mkdirSync(profileDir, { recursive: true });
  const server = await startJobtoken(
    { DATABASE_URL: join(context.tempDir, `profile-${path}.db`), FORECAST_DURATION_MS: '0' },
    { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', profileDir] },
  );
  let requests = 0;
  try {
    const id = await submitForecast(server.url);
    await waitUntilFinished(server.url, id);
    const base = { mode: 'autocannon', origin: server.url, connections: 16 } as const;
    const loads: Record<Path, Omit<LoadRequest, 'durationSeconds'>> = {
      rest: { ...base, method: 'GET', paths: [`/jobs/${id}`] },
      graphql: {
        ...base,
        method: 'POST',
        paths: ['/graphql'],
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: POLL_QUERY, variables: { id } }),
      },
      submit: {
        ...base,
        method: 'POST',
        paths: ['/jobs'],
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ city: 'Oslo' }),
      },
    };
    const result = await runLoad({ ...loads[path], durationSeconds: context.smoke ? 1 : 8 });
    requests = result.requests;
  } finally {
    await server.stop();
  }
  const summary = summarizeCpuProfile(profileDir);
  context.log(`profile ${path}: ${requests} requests; top ${summary.functions[0]?.name}`);
  return [
    {
      title: `${path}: self time by package or source file`,
      columns: ['owner', 'self %'],
      rows: summary.owners.map((entry) => [entry.name, round(entry.selfPercent)]),
    },
    {
      title: `${path}: self time by function`,
      columns: ['function', 'self %'],
      rows: summary.functions.map((entry) => [`\`${entry.name}\``, round(entry.selfPercent)]),
    },
  ];
}

async function measure(context: BenchContext): Promise<ScenarioResult> {
  const tables: Table[] = [];
  for (const path of ['rest', 'graphql', 'submit'] as const) {
    tables.push(...(await profilePath(context, path)));
  }
  return {
    scenario: 'profile',
    title: 'Hot-path profiles',
    smoke: context.smoke,
    runs: 1,
    measuredAt: new Date().toISOString(),
    method: [
      'jobtoken runs with `node --cpu-prof` on SQLite while autocannon (16 connections, 8 s) ' +
        'sends REST polls of a finished job, GraphQL `job(id)` polls, or REST submits.',
      'The tables give self time per function and per package or source file, in percent of ' +
        'the non-idle samples; they show where a request spends its time, not a target.',
    ],
    tables,
    targets: [],
    notes: [],
  };
}

export const profileScenario: Scenario = {
  name: 'profile',
  title: 'Hot-path profiles',
  run: measure,
};
