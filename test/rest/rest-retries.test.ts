import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

let testApp: TestApp;

afterEach(async () => {
  await testApp?.close();
});

async function submitSeattle(): Promise<string> {
  const response = await testApp.postJob({ city: 'Seattle', date: '2025-11-08' });
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}

describe('retries in polls', () => {
  it('shows the attempt and the next one while a retry waits', async () => {
    // Every attempt times out, and timeouts are retryable.
    testApp = await createTestApp({
      forecastDurationMs: 10_000,
      forecastTimeoutMs: 50,
      forecastMaxAttempts: 2,
    });
    const id = await submitSeattle();
    await waitFor(
      () => testApp.store.get(id),
      (job) => job?.status === 'Pending' && job.attempt === 1,
      { what: 'the first attempt to fail' },
    );
    const waiting = await testApp.request(`/jobs/${id}`);
    expect(waiting.status).toBe(202);
    expect(Number(waiting.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = await waiting.json();
    expect(body.status).toBe('Pending');
    expect(body.attempt).toBe(1);
    expect(body.maxAttempts).toBe(2);
    expect(Date.parse(body.nextAttemptAt)).toBeGreaterThan(Date.parse(body.updatedAt));
    expect(body.lastAttemptError.code).toBe('timeout');
    expect(body.lastAttemptError.retryable).toBe(true);

    const { data } = await testApp.graphql<{ job: Record<string, unknown> }>(
      `query ($id: ID!) {
        job(id: $id) { attempt maxAttempts nextAttemptAt error { code } lastAttemptError { code } }
      }`,
      { id },
    );
    expect(data?.job.attempt).toBe(1);
    expect(data?.job.nextAttemptAt).toBe(body.nextAttemptAt);
    expect(data?.job.error).toBeNull();
    expect(data?.job.lastAttemptError).toEqual({ code: 'timeout' });

    await waitFor(
      () => testApp.store.get(id),
      (job) => job?.status === 'Failed',
      { what: 'the last attempt to fail', timeoutMs: 10_000 },
    );
    const failed = await testApp.request(`/jobs/${id}`);
    expect(failed.status).toBe(504);
    const problem = await failed.json();
    expect(problem.code).toBe('timeout');
    expect(problem.attempt).toBe(2);
  }, 20_000);
});

describe('deadlines', () => {
  it('fails a job still queued at its deadline without running it', async () => {
    testApp = await createTestApp({ runner: false, forecastDeadlineMs: 100 });
    const id = await submitSeattle();
    const queued = await (await testApp.request(`/jobs/${id}`)).json();
    expect(Date.parse(queued.deadlineAt) - Date.parse(queued.createdAt)).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await testApp.runner.start();
    await waitFor(
      () => testApp.store.get(id),
      (job) => job?.status === 'Failed',
      { what: 'the overdue job to fail' },
    );
    const response = await testApp.request(`/jobs/${id}`);
    expect(response.status).toBe(504);
    const problem = await response.json();
    expect(problem.code).toBe('deadline_exceeded');
    expect(problem.type).toBe('urn:jobtoken:problem:job-failed');
    expect(problem.attempt).toBe(0);
  });

  it('gives forecast jobs a ten-minute deadline by default', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const queued = await (await testApp.request(`/jobs/${id}`)).json();
    expect(Date.parse(queued.deadlineAt) - Date.parse(queued.createdAt)).toBe(600_000);
  });
});
