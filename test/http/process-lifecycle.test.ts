import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  killServerProcess,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.js';
import { createTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const servers: ServerProcess[] = [];
const tempDir = createTempDir();

afterEach(async () => {
  for (const server of servers.splice(0)) await killServerProcess(server);
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  servers.push(server);
  return server;
}

async function submit(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Seattle', date: '2025-11-08' }),
  });
  return ((await response.json()) as { jobId: string }).jobId;
}

function messagesOf(server: ServerProcess): string[] {
  return server.logs.map((entry) => String(entry.msg));
}

/** Runs the server entry with `env` and returns its exit code and stderr once it exits. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code, stderr: stderr + stdout }));
  });
}

describe('server process lifecycle', () => {
  it('stops claiming at SIGTERM and ends open requests after the grace period', async () => {
    const server = await start({
      DATABASE_URL: join(tempDir.path, 'term.db'),
      FORECAST_DURATION_MS: '60000',
      RUNNER_CONCURRENCY: '1',
      SHUTDOWN_GRACE_MS: '1000',
    });
    const running = await submit(server);
    const queued = await submit(server);
    await waitFor(
      () => messagesOf(server).includes('job started'),
      (started) => started,
      { what: 'the first job to start' },
    );
    // A long poll and a half-sent request stay open across the shutdown.
    const longPoll = fetch(`${server.url}/jobs/${queued}`, { headers: { prefer: 'wait=30' } });
    longPoll.catch(() => {});
    const port = new URL(server.url).port;
    const halfSent = connect(Number(port), '127.0.0.1');
    halfSent.on('error', () => {});
    halfSent.write('POST /jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{');

    const stoppedAt = Date.now();
    await killServerProcess(server, 'SIGTERM');
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    halfSent.destroy();

    const shutdownIndex = messagesOf(server).indexOf('shutting down');
    expect(shutdownIndex).toBeGreaterThanOrEqual(0);
    const startedAfter = server.logs
      .slice(shutdownIndex)
      .filter((entry) => entry.msg === 'job started');
    expect(startedAfter).toEqual([]);
    const handedBack = server.logs.filter(
      (entry) => entry.msg === 'job handed back to Pending at shutdown',
    );
    expect(handedBack.map((entry) => entry.jobId)).toEqual([running]);
  }, 30_000);

  it('leaves running jobs alone when a second start cannot listen', async () => {
    const filename = join(tempDir.path, 'shared.db');
    const first = await start({ DATABASE_URL: filename, FORECAST_DURATION_MS: '3000' });
    const id = await submit(first);
    await waitFor(
      () => messagesOf(first).includes('job started'),
      (started) => started,
      { what: 'the job to start' },
    );
    const second = await runToExit({
      DATABASE_URL: filename,
      PORT: new URL(first.url).port,
      HOST: '127.0.0.1',
    });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/the port is in use\. Set PORT \(--port\)/);
    expect(second.stderr).not.toContain('recovered jobs');

    const done = await waitFor(
      async () => (await fetch(`${first.url}/jobs/${id}`)).json(),
      (body: { status?: string }) => body.status === 'Completed',
      { timeoutMs: 15_000, intervalMs: 500, what: 'the job to complete' },
    );
    expect(done.status).toBe('Completed');
    expect(messagesOf(first)).not.toContain('lease lost; stopping the attempt without writing');
  }, 40_000);

  it('names HOST when it is not an address of this machine', async () => {
    const result = await runToExit({ DATABASE_URL: 'memory:', HOST: '192.0.2.123', PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"192\.0\.2\.123" is not an address of this machine/);
    expect(result.stderr).toMatch(/Set HOST \(--host\)/);
  }, 30_000);

  it('answers an invalid Host header with 400', async () => {
    const server = await start({ DATABASE_URL: 'memory:' });
    const port = Number(new URL(server.url).port);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GET /health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n');
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('application/problem+json');
    expect(reply).toContain('The Host header is invalid.');
    expect(reply).not.toContain('TypeError');
  }, 30_000);
});
