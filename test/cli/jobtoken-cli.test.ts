import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http-test-server.js';

const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/jobtoken-cli.ts', import.meta.url));

interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source in a child process, as `npm run cli` does. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      env: { ...process.env, JOBTOKEN_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

let server: TestServer;
let slowServer: TestServer;

beforeAll(async () => {
  server = await startTestServer({ forecastDurationMs: 0 });
  slowServer = await startTestServer({ forecastDurationMs: 1_500 });
});

afterAll(async () => {
  await server?.close();
  await slowServer?.close();
});

describe('jobtoken CLI', () => {
  it.each([[[]], [['--graphql']]])('submit --wait prints the forecast %j', async (extra) => {
    const run = await runCli([
      'submit',
      'Seattle',
      '--date',
      '2025-11-08',
      '--wait',
      '--url',
      server.url,
      ...extra,
    ]);

    expect(run.stderr).toContain('Submitted job');
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.status).toBe('completed');
    expect(result.data.city).toBe('Seattle');
    expect(result.data.date).toBe('2025-11-08');
    expect(typeof result.data.temperatureC).toBe('number');
  });

  it('wait prints progress lines off a terminal', async () => {
    const submitted = await runCli(['submit', 'Oslo'], { JOBTOKEN_URL: slowServer.url });
    expect(submitted.exitCode).toBe(0);
    const { jobId } = JSON.parse(submitted.stdout);

    const run = await runCli(['wait', jobId], { JOBTOKEN_URL: slowServer.url });

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(/^ {0,2}\d{1,3}% (pending|running)/m);
    expect(run.stderr).not.toContain('\r');
    expect(JSON.parse(run.stdout).status).toBe('completed');
  });

  it('status prints the job state', async () => {
    const submitted = await runCli(['submit', 'Oslo', '--url', server.url]);
    const { jobId } = JSON.parse(submitted.stdout);

    const run = await runCli(['status', jobId, '--url', server.url, '--graphql']);

    expect(run.exitCode).toBe(0);
    const state = JSON.parse(run.stdout);
    expect(state.jobId).toBe(jobId);
    expect(['pending', 'running', 'completed']).toContain(state.status);
  });

  it('cancel then wait exits 1', async () => {
    const submitted = await runCli(['submit', 'Oslo', '--url', slowServer.url]);
    const { jobId } = JSON.parse(submitted.stdout);

    const cancelled = await runCli(['cancel', jobId, '--url', slowServer.url]);
    const waited = await runCli(['wait', jobId, '--url', slowServer.url]);

    expect(cancelled.exitCode).toBe(0);
    expect(['cancelling', 'cancelled']).toContain(JSON.parse(cancelled.stdout).status);
    expect(waited.exitCode).toBe(1);
    expect(JSON.parse(waited.stdout).status).toBe('cancelled');
    expect(waited.stderr).toContain('cancelled');
  });

  it.each([[[]], [['--graphql']]])('unknown city exits 1 with the message %j', async (extra) => {
    const run = await runCli(['submit', 'Nowhere Town', '--url', server.url, ...extra]);

    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^jobtoken: .*Nowhere Town.* \(field: city\)$/m);
  });

  it('unknown job exits 1 as not found', async () => {
    const run = await runCli(['status', '00000000-0000-4000-8000-000000000000'], {
      JOBTOKEN_URL: server.url,
    });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/No job with id/);
  });

  it.each([
    [[], 'Missing command'],
    [['launch'], 'Unknown command "launch"'],
    [['submit'], 'Missing city'],
    [['wait'], 'Missing job id'],
    [['submit', 'Oslo', '--date', '08/11/2025'], 'Invalid --date'],
    [['status', 'x', '--wait'], 'apply to submit only'],
    [['status', 'x', '--colour'], "Unknown option '--colour'"],
    [['status', 'x', '--url', 'not a url'], 'Invalid server URL'],
    [['submit', 'Oslo', '--idempotency-key', ''], 'Invalid --idempotency-key'],
  ])('usage error %j exits 2', async (args, message) => {
    const run = await runCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: jobtoken');
  });

  it('--help prints usage and exits 0', async () => {
    const run = await runCli(['--help']);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: jobtoken <command>');
  });
});
