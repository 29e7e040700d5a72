import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobId } from '../../src/job/job-id.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

let testApp: TestApp;

afterEach(async () => {
  await testApp?.close();
});

const SEATTLE = { city: 'Seattle', date: '2025-11-08' };

async function submitSeattle(): Promise<string> {
  const response = await testApp.postJob(SEATTLE);
  expect(response.status).toBe(202);
  return ((await response.json()) as { jobId: string }).jobId;
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

async function waitForStatus(id: string, status: string) {
  return waitFor(
    () => testApp.store.get(id),
    (job) => job?.status === status,
    { what: `job ${id} to be ${status}` },
  );
}

describe('POST /jobs', () => {
  it('returns 202 with Location and Retry-After', async () => {
    testApp = await createTestApp({ runner: false });
    const response = await testApp.postJob(SEATTLE);
    const body = (await response.json()) as { jobId: string; status: string };
    expect(response.status).toBe(202);
    expect(body.status).toBe('Pending');
    expect(body.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`http://jobtoken.test/jobs/${body.jobId}`);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('stores the job before answering', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const job = await testApp.sqlite.get(id);
    expect(job?.status).toBe('Pending');
    expect(job?.input).toEqual(SEATTLE);
  });

  it('builds Location from the public URL', async () => {
    testApp = await createTestApp({ publicUrl: new URL('https://api.example.com/forecasts') });
    const response = await testApp.postJob(SEATTLE);
    const { jobId } = (await response.json()) as { jobId: string };
    expect(response.headers.get('location')).toBe(
      `https://api.example.com/forecasts/jobs/${jobId}`,
    );
  });

  it('returns 202 even when the job already finished', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0 });
    const completed = once(testApp.runner, 'job:completed');
    const response = await testApp.postJob(SEATTLE);
    await completed;
    expect(response.status).toBe(202);
  });
});

describe('GET /jobs/{id}', () => {
  it('varies on Prefer and Origin for browsers', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const response = await testApp.request(`/jobs/${id}`, {
      headers: { origin: 'https://app.example' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('vary')).toBe('Prefer, Origin');
  });

  it('returns 202 with progress while Pending', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const response = await testApp.request(`/jobs/${id}`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(202);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.jobId).toBe(id);
    expect(body.status).toBe('Pending');
    expect(body.progress).toEqual({ percent: 0, message: null });
    expect(typeof body.createdAt).toBe('string');
    expect(body.startedAt).toBeNull();
  });

  it('returns 202 while Running', async () => {
    testApp = await createTestApp({ forecastDurationMs: 60_000 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Running');
    const response = await testApp.request(`/jobs/${id}`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(202);
    expect(body.status).toBe('Running');
    expect(typeof body.startedAt).toBe('string');
    expect(body.attempt).toBe(1);
  });

  it('returns 200 with the forecast once Completed', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Completed');
    const response = await testApp.request(`/jobs/${id}`);
    const body = (await response.json()) as { status: string; data: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(body.status).toBe('Completed');
    expect(body.data.city).toBe('Seattle');
    expect(body.data.country).toBe('US');
    expect(body.data.date).toBe('2025-11-08');
    expect(typeof body.data.temperatureC).toBe('number');
    expect(typeof body.data.temperatureF).toBe('number');
    expect(typeof body.data.summary).toBe('string');
  });

  it('returns 422 for input the processor rejected', async () => {
    testApp = await createTestApp();
    const job = await testApp.store.insert({
      id: createJobId(),
      kind: 'forecast',
      input: { city: 'Atlantis' },
    });
    await waitForStatus(job.id, 'Failed');
    const response = await testApp.request(`/jobs/${job.id}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(422);
    expect(problem.jobId).toBe(job.id);
    expect(problem.status).toBe('Failed');
    expect(problem.code).toBe('unprocessable_input');
    expect(problem.type).toBe('urn:jobtoken:problem:job-failed');
  });

  it('returns 504 for a job that timed out', async () => {
    testApp = await createTestApp({
      forecastDurationMs: 10_000,
      forecastTimeoutMs: 50,
      forecastMaxAttempts: 1,
    });
    const id = await submitSeattle();
    await waitForStatus(id, 'Failed');
    const response = await testApp.request(`/jobs/${id}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(504);
    expect(problem.code).toBe('timeout');
    expect(problem.status).toBe('Failed');
  });

  it('returns 500 for an internal processor error', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const [claimed] = await testApp.store.claim(1, { owner: 'test', leaseMs: 60_000 });
    await testApp.store.fail(id, claimed?.attempt ?? 1, {
      code: 'processor_error',
      message: 'The job failed because of an internal error.',
      retryable: false,
    });
    const response = await testApp.request(`/jobs/${id}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(500);
    expect(problem.code).toBe('processor_error');
    expect(problem.jobId).toBe(id);
  });

  it('returns 409 for a cancelled job', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    await testApp.store.requestCancel(id);
    const response = await testApp.request(`/jobs/${id}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(409);
    expect(problem.status).toBe('Cancelled');
    expect(problem.jobId).toBe(id);
    expect(problem.type).toBe('urn:jobtoken:problem:job-cancelled');
  });

  it('returns 404 for an unknown id', async () => {
    testApp = await createTestApp({ runner: false });
    const response = await testApp.request(`/jobs/${createJobId()}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(404);
    expect(problem.type).toBe('urn:jobtoken:problem:not-found');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('returns 400 for a malformed id', async () => {
    testApp = await createTestApp({ runner: false });
    for (const id of ['not-a-token', '%E0%A4%A', "1'%20OR%20'1'='1", 'x'.repeat(500)]) {
      const response = await testApp.request(`/jobs/${id}`);
      const problem = await problemOf(response);
      expect(response.status, id).toBe(400);
      expect(problem.code, id).toBe('invalid_input');
      expect(problem.field, id).toBe('id');
    }
  });

  it('returns 404 once a job has expired', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0, retentionMs: 200 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Completed');
    const gone = await waitFor(
      () => testApp.request(`/jobs/${id}`),
      (response) => response.status === 404,
      { what: 'the expired job to read as 404' },
    );
    expect(gone.status).toBe(404);
  });

  it('returns 503 with Retry-After when the store is down', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    await testApp.sqlite.close();
    const response = await testApp.request(`/jobs/${id}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(problem.type).toBe('urn:jobtoken:problem:store-unavailable');
    expect(problem.type).not.toBe('urn:jobtoken:problem:job-failed');
  });
});

describe('DELETE /jobs/{id}', () => {
  it('cancels a Pending job with 200', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    const response = await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body.status).toBe('Cancelled');
    expect((await testApp.store.get(id))?.status).toBe('Cancelled');
  });

  it('returns 202 Cancelling for a Running job', async () => {
    testApp = await createTestApp({ forecastDurationMs: 60_000 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Running');
    const response = await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(202);
    expect(body.status).toBe('Cancelling');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await waitForStatus(id, 'Cancelled');
  });

  it('returns 200 again for a Cancelled job', async () => {
    testApp = await createTestApp({ runner: false });
    const id = await submitSeattle();
    await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    const again = await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe('Cancelled');
  });

  it('returns 409 for a Completed job', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Completed');
    const response = await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    const problem = await problemOf(response);
    expect(response.status).toBe(409);
    expect(problem.code).toBe('already_finished');
    expect((await testApp.store.get(id))?.status).toBe('Completed');
  });

  it('returns 409 for a Failed job', async () => {
    testApp = await createTestApp({ forecastDurationMs: 10_000, forecastTimeoutMs: 20 });
    const id = await submitSeattle();
    await waitForStatus(id, 'Failed');
    const response = await testApp.request(`/jobs/${id}`, { method: 'DELETE' });
    expect(response.status).toBe(409);
  });

  it('returns 404 for an unknown job', async () => {
    testApp = await createTestApp({ runner: false });
    const response = await testApp.request(`/jobs/${createJobId()}`, { method: 'DELETE' });
    expect(response.status).toBe(404);
  });
});
