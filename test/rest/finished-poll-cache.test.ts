import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { POLL_BURST } from '../../src/rest/poll-rate-limiter.js';
import { startTestServer, type TestServer } from '../support/http-test-server.js';
import { TestClock } from '../support/test-clock.js';
import { waitFor } from '../support/wait-for.js';

let server: TestServer;

afterEach(async () => {
  await server?.close();
});

const SEATTLE = { city: 'Seattle', date: '2025-11-08' };

interface RawResponse {
  status: number;
  statusText: string;
  /** Header lines in the order they were sent, without `Date`, `Connection` and `Keep-Alive`. */
  headers: string[];
  body: string;
}

/** Sends one request over a new connection and returns the response as the socket carried it. */
function send(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const outgoing = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => {
          const headers: string[] = [];
          for (let index = 0; index < response.rawHeaders.length; index += 2) {
            const name = response.rawHeaders[index] ?? '';
            if (/^(date|connection|keep-alive)$/i.test(name)) continue;
            headers.push(`${name.toLowerCase()}: ${response.rawHeaders[index + 1]}`);
          }
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers,
            body,
          });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function submit(): Promise<string> {
  const response = await fetch(`${server.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SEATTLE),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}

async function waitForStatus(id: string, status: string): Promise<void> {
  await waitFor(
    () => server.store.get(id),
    (job) => job?.status === status,
    { what: `job ${id} to be ${status}` },
  );
}

describe('finished poll cache', () => {
  it('repeats the bytes of a Completed poll', async () => {
    server = await startTestServer();
    const id = await submit();
    await waitForStatus(id, 'Completed');

    const first = await send(`/jobs/${id}`);
    expect(server.app.finishedPolls.hits).toBe(0);
    const second = await send(`/jobs/${id}`);
    expect(server.app.finishedPolls.hits).toBe(1);

    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ jobId: id, status: 'Completed' });
    expect(second).toEqual(first);
    expect(first.headers).toContain('cache-control: no-store');
    expect(first.headers).toContain('vary: Prefer');
  });

  it('serves HEAD without a body', async () => {
    server = await startTestServer();
    const id = await submit();
    await waitForStatus(id, 'Completed');
    const get = await send(`/jobs/${id}`);

    const head = await send(`/jobs/${id}`, { method: 'HEAD' });
    expect(server.app.finishedPolls.hits).toBe(1);
    expect(head).toEqual({ ...get, body: '' });
  });

  it('repeats Failed and Cancelled problems', async () => {
    server = await startTestServer({
      forecastDurationMs: 10_000,
      forecastTimeoutMs: 20,
      forecastMaxAttempts: 1,
    });
    const failedId = await submit();
    await waitForStatus(failedId, 'Failed');
    await server.runner.stop();
    const cancelledId = await submit();
    const cancel = await fetch(`${server.url}/jobs/${cancelledId}`, { method: 'DELETE' });
    expect(cancel.status).toBe(200);

    for (const [id, status] of [
      [failedId, 504],
      [cancelledId, 409],
    ] as const) {
      const first = await send(`/jobs/${id}`);
      const second = await send(`/jobs/${id}`);
      expect(first.status).toBe(status);
      expect(first.headers).toContain('content-type: application/problem+json');
      expect(second).toEqual(first);
    }
    expect(server.app.finishedPolls.hits).toBe(2);
  });

  it('skips Pending jobs', async () => {
    server = await startTestServer({ runner: false });
    const id = await submit();
    const polls = [await send(`/jobs/${id}`), await send(`/jobs/${id}`)];
    expect(polls.map((poll) => poll.status)).toEqual([202, 202]);
    expect(server.app.finishedPolls.hits).toBe(0);
  });

  it('skips polls with Prefer or Origin', async () => {
    server = await startTestServer();
    const id = await submit();
    await waitForStatus(id, 'Completed');
    await send(`/jobs/${id}`);

    const waited = await send(`/jobs/${id}`, { headers: { prefer: 'wait=5' } });
    const browser = await send(`/jobs/${id}`, { headers: { origin: 'https://app.example' } });
    expect(server.app.finishedPolls.hits).toBe(0);
    expect(waited.headers).toContain('preference-applied: wait=5');
    expect(browser.headers).toContain('access-control-allow-origin: https://app.example');
  });

  it('rejects a Host with a path like the REST adapter', async () => {
    server = await startTestServer();
    const id = await submit();
    await waitForStatus(id, 'Completed');
    expect((await send(`/jobs/${id}`)).status).toBe(200);

    const moved = await send(`/jobs/${id}`, { headers: { host: '127.0.0.1/elsewhere' } });
    expect(moved.status).toBe(400);
    expect(server.app.finishedPolls.hits).toBe(0);
  });

  it('skips jobs past their expiry', async () => {
    const clock = new TestClock(Date.now());
    server = await startTestServer({ now: clock.now, retentionMs: 60_000 });
    const id = await submit();
    await waitForStatus(id, 'Completed');
    await send(`/jobs/${id}`);
    await send(`/jobs/${id}`);
    expect(server.app.finishedPolls.hits).toBe(1);

    clock.advance(61_000);
    await send(`/jobs/${id}`);
    expect(server.app.finishedPolls.hits).toBe(1);
  });

  it('counts served polls against the budget', async () => {
    const clock = new TestClock();
    server = await startTestServer({ runner: false, now: clock.now });
    const id = await submit();
    // A 202 opens the client's poll window, which the frozen clock keeps open.
    expect((await send(`/jobs/${id}`)).status).toBe(202);
    await server.runner.start();
    await waitForStatus(id, 'Completed');

    const statuses: number[] = [];
    for (let index = 1; index <= POLL_BURST; index += 1) {
      statuses.push((await send(`/jobs/${id}`)).status);
    }
    expect(statuses).toEqual([...Array(POLL_BURST - 1).fill(200), 429]);
    expect(server.app.finishedPolls.hits).toBe(POLL_BURST - 2);
  });
});
