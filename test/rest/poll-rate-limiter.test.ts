import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../src/http/http-server.js';
import { POLL_BURST } from '../../src/rest/poll-rate-limiter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { TestClock } from '../support/test-clock.js';
import { waitFor } from '../support/wait-for.js';

let testApp: TestApp;
let clock: TestClock;
let server: Server | undefined;

afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
  await testApp.close();
});

/** Starts a test app whose jobs stay Pending until its runner starts, on a hand-moved clock. */
async function startApp(options: { forecastDurationMs?: number } = {}) {
  clock = new TestClock();
  testApp = await createTestApp({ runner: false, now: clock.now, ...options });
}

async function submit(): Promise<string> {
  const response = await testApp.postJob({ city: 'Seattle', date: '2025-11-08' });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}

function poll(id: string, headers: Record<string, string> = {}) {
  return testApp.request(`/jobs/${id}`, { headers });
}

/** Polls `count` times and returns the statuses. */
async function pollTimes(id: string, count: number, headers: Record<string, string> = {}) {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    statuses.push((await poll(id, headers)).status);
  }
  return statuses;
}

describe('GET /jobs/{id} poll rate limit', () => {
  it('allows a burst of polls', async () => {
    await startApp();
    const id = await submit();
    expect(await pollTimes(id, POLL_BURST)).toEqual(Array(POLL_BURST).fill(202));
  });

  it('returns 429 with Retry-After past the burst', async () => {
    await startApp();
    const id = await submit();
    await pollTimes(id, POLL_BURST);

    const response = await poll(id);
    const problem = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem.code).toBe('rate_limited');
    expect(problem.type).toBe('urn:jobtoken:problem:rate-limited');
    expect(problem.status).toBe(429);
    expect(String(problem.detail)).toContain(id);
  });

  it('counts Retry-After down to the window end', async () => {
    // A forecast working 8 s is polled every 2 s.
    await startApp({ forecastDurationMs: 8000 });
    const id = await submit();
    const first = await poll(id);
    expect(first.headers.get('retry-after')).toBe('2');
    await pollTimes(id, POLL_BURST - 1);

    clock.advance(500);
    expect((await poll(id)).headers.get('retry-after')).toBe('2');
    clock.advance(1000);
    expect((await poll(id)).headers.get('retry-after')).toBe('1');
  });

  it('allows polls again after the window', async () => {
    await startApp();
    const id = await submit();
    await pollTimes(id, POLL_BURST + 1);

    clock.advance(999);
    expect((await poll(id)).status).toBe(429);
    clock.advance(1);
    expect(await pollTimes(id, POLL_BURST)).toEqual(Array(POLL_BURST).fill(202));
    expect((await poll(id)).status).toBe(429);
  });

  it('limits each job separately', async () => {
    await startApp();
    const limited = await submit();
    const other = await submit();
    await pollTimes(limited, POLL_BURST + 1);

    expect((await poll(other)).status).toBe(202);
    expect((await poll(limited)).status).toBe(429);
  });

  it('limits each Authorization separately', async () => {
    await startApp();
    const id = await submit();
    await pollTimes(id, POLL_BURST + 1, { authorization: 'Bearer first' });

    expect((await poll(id, { authorization: 'Bearer second' })).status).toBe(202);
    expect((await poll(id)).status).toBe(202);
    expect((await poll(id, { authorization: 'Bearer first' })).status).toBe(429);
  });

  it('does not limit finished jobs', async () => {
    await startApp();
    const id = await submit();
    await testApp.runner.start();
    await waitFor(
      () => testApp.store.get(id),
      (job) => job?.status === 'Completed',
      { what: 'the job to complete' },
    );
    expect(await pollTimes(id, POLL_BURST * 2)).toEqual(Array(POLL_BURST * 2).fill(200));
  });

  it('leaves the job to complete', async () => {
    await startApp();
    const id = await submit();
    await pollTimes(id, POLL_BURST + 1);

    await testApp.runner.start();
    await waitFor(
      () => testApp.store.get(id),
      (job) => job?.status === 'Completed',
      { what: 'the job to complete' },
    );
    expect((await poll(id)).status).toBe(429);

    clock.advance(1000);
    const response = await poll(id);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body.status).toBe('Completed');
  });

  it('tells clients apart by remote address over TCP', async () => {
    await startApp();
    const id = await submit();
    const listening = await listen(testApp.app, 0, '127.0.0.1');
    server = listening.server;
    const url = `http://127.0.0.1:${listening.address.port}/jobs/${id}`;

    const statuses: number[] = [];
    for (let index = 0; index <= POLL_BURST; index += 1) {
      statuses.push((await fetch(url)).status);
    }
    expect(statuses).toEqual([...Array(POLL_BURST).fill(202), 429]);
    // The in-process client and an Authorization header each have their own budget.
    expect((await poll(id)).status).toBe(202);
    expect((await fetch(url, { headers: { authorization: 'Bearer x' } })).status).toBe(202);
  });
});
