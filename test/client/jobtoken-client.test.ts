import { afterEach, describe, expect, it } from 'vitest';
import { createGraphQLClient } from '../../src/client/graphql-client.js';
import type { UnfinishedJob } from '../../src/client/job-state.js';
import type { ClientOptions, JobtokenClient } from '../../src/client/jobtoken-client.js';
import { JobtokenRequestError } from '../../src/client/request-error.js';
import { createRestClient } from '../../src/client/rest-client.js';
import { startTestServer, type TestServer } from '../support/http-test-server.js';
import type { TestAppOptions } from '../support/test-app.js';

const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(options: TestAppOptions = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

/** Short polls for GraphQL; REST still waits the server's Retry-After of at least 1 s. */
const FAST_POLLS: ClientOptions = {
  pollIntervalMs: 200,
  pollDelayBounds: { minMs: 100, maxMs: 2_000 },
};

type ClientFactory = (url: string, options?: ClientOptions) => JobtokenClient;

const SEATTLE = { city: 'Seattle', date: '2025-11-08' };

describe.each<[string, ClientFactory]>([
  ['REST', createRestClient],
  ['GraphQL', createGraphQLClient],
])('client over %s', (_name, createClient) => {
  it('polls a submitted job to its forecast', async () => {
    const server = await serve({ forecastDurationMs: 1_500 });
    const client = createClient(server.url, FAST_POLLS);
    const submitted = await client.submit(SEATTLE);
    expect(submitted.jobId).toMatch(/^[0-9a-f-]{36}$/);

    const progress: UnfinishedJob[] = [];
    const result = await client.pollUntilDone(submitted.location ?? submitted.jobId, {
      onProgress: (job) => progress.push(job),
    });

    expect(result.status).toBe('completed');
    if (result.status !== 'completed') return;
    expect(result.jobId).toBe(submitted.jobId);
    expect(result.data.city).toBe('Seattle');
    expect(result.data.country).toBe('US');
    expect(result.data.date).toBe('2025-11-08');
    expect(result.finishedAt).not.toBeNull();
    expect(progress.length).toBeGreaterThan(0);
    for (const job of progress) {
      expect(job.jobId).toBe(submitted.jobId);
      expect(['pending', 'running']).toContain(job.status);
    }
    const percents = progress.map((job) => job.progress.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it('reports a failed job with its code', async () => {
    const server = await serve({
      forecastDurationMs: 2_000,
      forecastTimeoutMs: 50,
      forecastMaxAttempts: 1,
    });
    const client = createClient(server.url, FAST_POLLS);
    const { jobId } = await client.submit(SEATTLE);

    const result = await client.pollUntilDone(jobId);

    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    expect(result.code).toBe('timeout');
    expect(result.message).toMatch(/time limit|timed out/i);
    expect(typeof result.retryable).toBe('boolean');
  });

  it('cancels a running job', async () => {
    const server = await serve({ forecastDurationMs: 10_000 });
    const client = createClient(server.url, FAST_POLLS);
    const { jobId } = await client.submit(SEATTLE);

    const cancelled = await client.cancel(jobId);
    expect(['cancelling', 'cancelled']).toContain(cancelled.status);
    const result = await client.pollUntilDone(jobId);

    expect(result).toMatchObject({ jobId, status: 'cancelled' });
  });

  it('rejects cancelling a completed job', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);
    const { jobId } = await client.submit(SEATTLE);
    await client.pollUntilDone(jobId);

    const error = await client.cancel(jobId).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobtokenRequestError);
    expect((error as JobtokenRequestError).code).toBe('already_finished');
    expect((error as JobtokenRequestError).status).toBe(409);
  });

  it('rejects promptly when the signal aborts', async () => {
    const server = await serve({ forecastDurationMs: 30_000 });
    const client = createClient(server.url, FAST_POLLS);
    const { jobId } = await client.submit(SEATTLE);
    const controller = new AbortController();
    const reason = new Error('caller gave up');

    let abortedAt = 0;
    const poll = client.pollUntilDone(jobId, {
      signal: controller.signal,
      onProgress: () => {
        // Abort during the wait after the first poll, which lasts at least 100 ms.
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort(reason);
        }, 20);
      },
    });

    await expect(poll).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(100);
  });

  it('rejects at once with an aborted signal', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);
    const reason = new Error('already aborted');

    await expect(client.pollUntilDone('any', { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
  });

  it('resumes a poll from the job id alone', async () => {
    const server = await serve({ forecastDurationMs: 1_500 });
    const first = createClient(server.url, FAST_POLLS);
    const { jobId } = await first.submit(SEATTLE);
    const controller = new AbortController();
    await expect(
      first.pollUntilDone(jobId, {
        signal: controller.signal,
        onProgress: () => controller.abort(new Error('first client stops')),
      }),
    ).rejects.toThrow('first client stops');

    const second = createClient(server.url, FAST_POLLS);
    const result = await second.pollUntilDone(jobId);

    expect(result.status).toBe('completed');
    expect(result.jobId).toBe(jobId);
  });

  it('reads an unfinished job once', async () => {
    const server = await serve({ forecastDurationMs: 10_000 });
    const client = createClient(server.url, FAST_POLLS);
    const { jobId } = await client.submit(SEATTLE);

    const state = await client.get(jobId);

    expect(state.jobId).toBe(jobId);
    expect(['pending', 'running']).toContain(state.status);
    if (state.status !== 'pending' && state.status !== 'running') return;
    expect(state.maxAttempts).toBeGreaterThanOrEqual(1);
    expect(state.progress.percent).toBeGreaterThanOrEqual(0);
  });

  it('rejects an unknown city with the field', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);

    const error = await client.submit({ city: 'Nowhere Town' }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobtokenRequestError);
    const requestError = error as JobtokenRequestError;
    expect(requestError.code).toBe('invalid_input');
    expect(requestError.status).toBe(400);
    expect(requestError.field).toBe('city');
    expect(requestError.message).toContain('Nowhere Town');
  });

  it('rejects an unknown job as not found', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);

    const error = await client
      .get('00000000-0000-4000-8000-000000000000')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobtokenRequestError);
    expect((error as JobtokenRequestError).code).toBe('not_found');
    expect((error as JobtokenRequestError).status).toBe(404);
  });

  it('rejects a malformed id as invalid input', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);

    for (const call of [() => client.get('not-a-job'), () => client.cancel('not-a-job')]) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(JobtokenRequestError);
      expect((error as JobtokenRequestError).code).toBe('invalid_input');
      expect((error as JobtokenRequestError).status).toBe(400);
      expect((error as JobtokenRequestError).field).toBe('id');
    }
  });

  it('returns the first job for a repeated idempotency key', async () => {
    const server = await serve();
    const client = createClient(server.url, FAST_POLLS);

    const first = await client.submit(SEATTLE, { idempotencyKey: 'order "7"' });
    const repeat = await client.submit(SEATTLE, { idempotencyKey: 'order "7"' });

    expect(repeat.jobId).toBe(first.jobId);
  });
});

describe('client across transports', () => {
  it('finishes over GraphQL a job submitted over REST', async () => {
    const server = await serve({ forecastDurationMs: 200 });
    const { location } = await createRestClient(server.url).submit(SEATTLE);
    expect(location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\//);

    const result = await createGraphQLClient(server.url, FAST_POLLS).pollUntilDone(
      location as string,
    );

    expect(result.status).toBe('completed');
  });

  it('gives up after repeated network errors', async () => {
    const server = await serve();
    const url = server.url;
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    const client = createRestClient(url, {
      pollIntervalMs: 10,
      pollDelayBounds: { minMs: 10, maxMs: 40 },
      maxNetworkRetries: 2,
    });
    const retries: number[] = [];

    const error = await client
      .pollUntilDone('any', { onRetry: (_error, delayMs) => retries.push(delayMs) })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(JobtokenRequestError);
    expect((error as JobtokenRequestError).code).toBe('network_error');
    expect(retries).toEqual([10, 20]);
  });
});
