import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  killServerProcess,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';
import { createTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

const servers: ServerProcess[] = [];
const tempDir = createTempDir();

afterEach(async () => {
  for (const server of servers.splice(0)) await killServerProcess(server);
});

describe('server process', () => {
  it('finishes a job after SIGKILL and restart', async () => {
    const env = {
      DATABASE_URL: join(tempDir.path, 'crash.db'),
      FORECAST_DURATION_MS: '3000',
    };
    const first = await startServerProcess(env);
    servers.push(first);

    const submitted = await fetch(`${first.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ city: 'Seattle', date: '2025-11-08' }),
    });
    expect(submitted.status).toBe(202);
    const location = submitted.headers.get('location') as string;
    const path = new URL(location).pathname;

    await waitFor(
      async () =>
        ((await (await fetch(`${first.url}${path}`)).json()) as { status: string }).status,
      (status) => status === 'Running',
      { what: 'the job to start running' },
    );
    await killServerProcess(first, 'SIGKILL');

    const second = await startServerProcess(env);
    servers.push(second);
    const done = await waitFor(
      () => fetch(`${second.url}${path}`),
      (response) => response.status === 200,
      { timeoutMs: 15_000, intervalMs: 200, what: 'the job to complete after restart' },
    );
    const body = (await done.json()) as { status: string; data: { city: string } };
    expect(body.status).toBe('Completed');
    expect(body.data.city).toBe('Seattle');
    expect(
      second.logs.some((entry) => entry.msg === 'recovered jobs left by a previous process'),
    ).toBe(true);
  }, 60_000);

  it('stops with a clear message on invalid configuration', async () => {
    await expect(startServerProcess({ PORT: 'eighty' }, 10_000)).rejects.toThrow(
      /Invalid PORT \(--port\): "eighty"\. Accepted: TCP port, 0-65535/,
    );
  });
});
