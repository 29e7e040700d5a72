import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import { closeServer, listen } from '../../src/http/http-server.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import { JobRunner } from '../../src/runner/job-runner.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void> | void)[] = [];
const schemas: string[] = [];
let testApp: TestApp | undefined;

afterEach(async () => {
  await testApp?.close();
  testApp = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

const SUBSCRIPTION = `
  subscription ($id: ID!) {
    jobUpdated(id: $id) {
      id status progress { percent }
      ... on ForecastJob { data { city temperatureC } }
    }
  }`;

interface SseEvent {
  event: string;
  data: string;
}

/** Parses a complete text/event-stream body into its events, skipping comments. */
function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line !== '' && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event:
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? 'message',
      data: lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n'),
    }));
}

type JobEvent = { id: string; status: string; data: unknown } | null;

function jobsOf(events: SseEvent[]): JobEvent[] {
  return events
    .filter((event) => event.event === 'next')
    .map((event) => JSON.parse(event.data).data.jobUpdated as JobEvent);
}

/** Reads events from a stream as they arrive: `next()` returns the next complete one. */
function eventReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const ready: SseEvent[] = [];
  return {
    async next(): Promise<SseEvent | undefined> {
      while (ready.length === 0) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
        const end = buffer.lastIndexOf('\n\n');
        if (end < 0) continue;
        ready.push(...parseEvents(buffer.slice(0, end + 2)));
        buffer = buffer.slice(end + 2);
      }
      return ready.shift();
    },
    async rest(): Promise<SseEvent[]> {
      const events: SseEvent[] = [];
      for (let event = await this.next(); event; event = await this.next()) events.push(event);
      return events;
    },
  };
}

type Fetcher = (path: string, init: RequestInit) => Promise<Response> | Response;

function subscribe(fetcher: Fetcher, id: string) {
  return fetcher('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: SUBSCRIPTION, variables: { id } }),
  });
}

async function submit(app: TestApp): Promise<string> {
  const response = await app.postJob({ city: 'Seattle', date: '2025-11-08' });
  return ((await response.json()) as { jobId: string }).jobId;
}

describe('jobUpdated subscription', () => {
  it('streams every change until the job finishes', async () => {
    testApp = await createTestApp({ forecastDurationMs: 400, runner: false });
    const app = testApp;
    const id = await submit(app);
    const response = await subscribe(app.request, id);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const stream = eventReader(response);
    const first = await stream.next();
    await app.runner.start();
    const events = [first as SseEvent, ...(await stream.rest())];
    expect(events.at(-1)?.event).toBe('complete');
    const jobs = jobsOf(events);
    expect(jobs[0]?.status).toBe('PENDING');
    expect(jobs.map((job) => job?.status)).toContain('RUNNING');
    expect(jobs.at(-1)?.status).toBe('COMPLETED');
    expect(jobs.at(-1)?.data).toEqual(expect.objectContaining({ city: 'Seattle' }));
    expect(jobs.every((job) => job?.id === id)).toBe(true);
    const percents = jobs.map(
      (job) => (job as unknown as { progress: { percent: number } }).progress.percent,
    );
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBeGreaterThanOrEqual(4);
  });

  it('sends a finished job at once and ends', async () => {
    testApp = await createTestApp();
    const app = testApp;
    const id = await submit(app);
    await waitUntilDone(app, id);
    const events = parseEvents(await (await subscribe(app.request, id)).text());
    const jobs = jobsOf(events);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.status).toBe('COMPLETED');
    expect(events.at(-1)?.event).toBe('complete');
  });

  it('sends null for an unknown job and ends', async () => {
    testApp = await createTestApp();
    const events = parseEvents(
      await (await subscribe(testApp.request, '00000000-0000-4000-8000-000000000000')).text(),
    );
    expect(jobsOf(events)).toEqual([null]);
    expect(events.at(-1)?.event).toBe('complete');
  });

  it('ends a cancelled job with its last state', async () => {
    testApp = await createTestApp({ runner: false });
    const app = testApp;
    const id = await submit(app);
    const stream = eventReader(await subscribe(app.request, id));
    const first = await stream.next();
    await app.request(`/jobs/${id}`, { method: 'DELETE' });
    const jobs = jobsOf([first as SseEvent, ...(await stream.rest())]);
    expect(jobs.map((job) => job?.status)).toEqual(['PENDING', 'CANCELLED']);
  });

  it('delivers changes made by another process on PostgreSQL', async () => {
    const schema = uniqueSchema('jtpush');
    schemas.push(schema);
    const open = () =>
      PostgresJobStore.open({
        connectionString: TEST_DATABASE_URL,
        schema,
        retentionMs: 86_400_000,
        logger,
      });
    const kinds = new KindRegistry([createForecastKind({ durationMs: 300, timeoutMs: 60_000 })]);

    // The API process serves the subscription; the worker, with its own store, runs the job.
    const apiStore = await open();
    const workerStore = await open();
    const worker = new JobRunner({ store: workerStore, kinds, logger, idlePollIntervalMs: 100 });
    const { server, address } = await listen(
      createApp({ store: apiStore, kinds, logger }),
      0,
      '127.0.0.1',
    );
    cleanups.push(async () => {
      await closeServer(server);
      await worker.stop();
      await apiStore.close();
      await workerStore.close();
    });

    const url = `http://127.0.0.1:${address.port}`;
    const fetcher = (path: string, init: RequestInit) => fetch(`${url}${path}`, init);
    const submitted = await fetcher('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ city: 'Oslo' }),
    });
    const { jobId } = (await submitted.json()) as { jobId: string };

    const stream = eventReader(await subscribe(fetcher, jobId));
    const first = await stream.next();
    await worker.start();
    const jobs = jobsOf([first as SseEvent, ...(await stream.rest())]);
    expect(jobs[0]?.status).toBe('PENDING');
    expect(jobs.map((job) => job?.status)).toContain('RUNNING');
    expect(jobs.at(-1)?.status).toBe('COMPLETED');
  }, 20_000);
});

async function waitUntilDone(app: TestApp, id: string): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    const job = await app.store.get(id);
    if (job?.status === 'Completed') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Job ${id} did not complete.`);
}

describe('long polling', () => {
  it('holds a poll until the job changes', async () => {
    testApp = await createTestApp({ runner: false });
    const app = testApp;
    const id = await submit(app);
    const started = Date.now();
    const polled = app.request(`/jobs/${id}`, { headers: { prefer: 'wait=20' } });
    setTimeout(() => void app.request(`/jobs/${id}`, { method: 'DELETE' }), 300);
    const response = await polled;
    const elapsed = Date.now() - started;
    expect(response.status).toBe(409);
    expect((await response.json()).status).toBe('Cancelled');
    expect(response.headers.get('preference-applied')).toBe('wait=20');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('answers as a normal poll when the wait passes', async () => {
    testApp = await createTestApp({ runner: false });
    const app = testApp;
    const id = await submit(app);
    const started = Date.now();
    const response = await app.request(`/jobs/${id}`, { headers: { prefer: 'wait=1' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.status).toBe(202);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(response.headers.get('vary')).toBe('Prefer');
    expect((await response.json()).status).toBe('Pending');
  });

  it('answers a finished job at once', async () => {
    testApp = await createTestApp();
    const app = testApp;
    const id = await submit(app);
    await waitUntilDone(app, id);
    const started = Date.now();
    const response = await app.request(`/jobs/${id}`, { headers: { prefer: 'wait=20' } });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('caps the wait and ignores other preferences', async () => {
    testApp = await createTestApp({ runner: false, maxWaitSeconds: 1 });
    const app = testApp;
    const id = await submit(app);
    const response = await app.request(`/jobs/${id}`, {
      headers: { prefer: 'respond-async, wait=600; foo=bar' },
    });
    expect(response.headers.get('preference-applied')).toBe('wait=1');
    const plain = await app.request(`/jobs/${id}`, { headers: { prefer: 'wait=soon' } });
    expect(plain.headers.get('preference-applied')).toBeNull();
    expect(plain.status).toBe(202);
  });

  it('keeps long polls out of the poll budget', async () => {
    testApp = await createTestApp({ runner: false, maxWaitSeconds: 1 });
    const app = testApp;
    const id = await submit(app);
    for (let poll = 0; poll < 5; poll += 1) {
      const response = await app.request(`/jobs/${id}`, { headers: { prefer: 'wait=1' } });
      expect(response.status).toBe(202);
    }
    const statuses: number[] = [];
    for (let poll = 0; poll < 5; poll += 1)
      statuses.push((await app.request(`/jobs/${id}`)).status);
    expect(statuses).toContain(429);
  }, 15_000);

  it('waits through the GraphQL wait argument', async () => {
    testApp = await createTestApp({ runner: false });
    const app = testApp;
    const id = await submit(app);
    setTimeout(() => void app.runner.start(), 300);
    const started = Date.now();
    const { data } = await app.graphql<{ job: { status: string } }>(
      'query ($id: ID!) { job(id: $id, wait: 20) { status } }',
      { id },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(data?.job.status).not.toBe('PENDING');
  });

  it('rejects a negative GraphQL wait', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submit(testApp);
    const { errors } = await testApp.graphql(
      'query ($id: ID!) { job(id: $id, wait: -1) { status } }',
      {
        id,
      },
    );
    expect(errors?.[0]?.message).toMatch(/wait must be 0 or more/);
  });
});
