import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;

beforeEach(async () => {
  testApp = await createTestApp({ runner: false });
});

afterEach(async () => {
  await testApp.close();
});

async function expectNoJobs() {
  expect(await testApp.store.list({ limit: 10 })).toEqual([]);
}

async function post(body: BodyInit, contentType = 'application/json') {
  const response = await testApp.request('/jobs', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const problem = (await response.json()) as Record<string, unknown>;
  return { response, problem };
}

describe('POST /jobs bad input', () => {
  it('rejects malformed JSON with 400', async () => {
    const { response, problem } = await post('{"city": "Seattle"');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(problem.code).toBe('malformed_request');
    expect(String(problem.detail)).toContain('not valid JSON');
    await expectNoJobs();
  });

  it('rejects a body that is not an object', async () => {
    for (const body of ['[]', '"Seattle"', 'null', '42']) {
      const { response, problem } = await post(body);
      expect(response.status, body).toBe(400);
      expect(problem.code, body).toBe('malformed_request');
    }
    await expectNoJobs();
  });

  it('rejects a wrong content type with 415', async () => {
    const { response, problem } = await post('city=Seattle', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
    expect(String(problem.detail)).toContain('application/x-www-form-urlencoded');
    await expectNoJobs();
  });

  it('rejects an oversize body with 413', async () => {
    const { response, problem } = await post(JSON.stringify({ city: 'x'.repeat(100_000) }));
    expect(response.status).toBe(413);
    expect(problem.code).toBe('payload_too_large');
    await expectNoJobs();
  });

  it.each([
    ['another JSON media type', 'application/merge-patch+json', /Expected Content-Type/],
    ['a charset other than UTF-8', 'application/json; charset=iso-8859-1', /Unsupported charset/],
  ])('rejects %s with 415', async (_case, contentType, detail) => {
    const { response, problem } = await post(JSON.stringify({ city: 'Seattle' }), contentType);
    expect(response.status).toBe(415);
    expect(problem.detail).toMatch(detail);
    await expectNoJobs();
  });

  it('accepts an explicit UTF-8 charset', async () => {
    const body = JSON.stringify({ city: 'Seattle' });
    const { response } = await post(body, 'application/json; charset="UTF-8"');
    expect(response.status).toBe(202);
  });

  it('rejects a compressed body with 415', async () => {
    const response = await testApp.request('/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: JSON.stringify({ city: 'Seattle' }),
    });
    expect(response.status).toBe(415);
    expect((await response.json()).detail).toMatch(/Unsupported Content-Encoding "gzip"/);
    await expectNoJobs();
  });

  it('rejects deeply nested JSON with 400', async () => {
    const deep = `{"city": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const { response, problem } = await post(deep);
    expect(response.status).toBe(400);
    expect(problem.code).toBe('malformed_request');
    expect(problem.detail).toMatch(/deeper than 32 levels/);
    await expectNoJobs();
  });

  it('ignores brackets inside strings when counting depth', async () => {
    const { response, problem } = await post(
      JSON.stringify({ city: 'Seattle', date: `${'['.repeat(40)}"\\` }),
    );
    expect(response.status).toBe(400);
    expect(problem.code).toBe('invalid_input');
    expect(problem.field).toBe('date');
  });

  it('rejects invalid UTF-8 with 400', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const { response, problem } = await post(bytes);
    expect(response.status).toBe(400);
    expect(String(problem.detail)).toContain('UTF-8');
    await expectNoJobs();
  });

  it('names an unknown field', async () => {
    const { response, problem } = await post(JSON.stringify({ city: 'Seattle', colour: 'red' }));
    expect(response.status).toBe(400);
    expect(problem.code).toBe('invalid_input');
    expect(problem.field).toBe('colour');
    expect(String(problem.detail)).toContain('colour');
    await expectNoJobs();
  });

  it('names a field of the wrong type', async () => {
    const { response, problem } = await post(JSON.stringify({ city: 42 }));
    expect(response.status).toBe(400);
    expect(problem.field).toBe('city');
    expect(String(problem.detail)).toContain('42');
    await expectNoJobs();
  });

  it('names a missing city', async () => {
    const { response, problem } = await post(JSON.stringify({ date: '2025-11-08' }));
    expect(response.status).toBe(400);
    expect(problem.field).toBe('city');
    await expectNoJobs();
  });

  it('rejects an unknown city with its value', async () => {
    const { response, problem } = await post(JSON.stringify({ city: 'Atlantis' }));
    expect(response.status).toBe(400);
    expect(problem.field).toBe('city');
    expect(String(problem.detail)).toContain('Atlantis');
    await expectNoJobs();
  });

  it('rejects an impossible date with its value', async () => {
    const { response, problem } = await post(
      JSON.stringify({ city: 'Seattle', date: '2025-02-30' }),
    );
    expect(response.status).toBe(400);
    expect(problem.field).toBe('date');
    expect(String(problem.detail)).toContain('2025-02-30');
    await expectNoJobs();
  });

  it('rejects a malformed date', async () => {
    for (const date of ['08/11/2025', '2025-11-8', '', 'tomorrow']) {
      const { response, problem } = await post(JSON.stringify({ city: 'Seattle', date }));
      expect(response.status, date).toBe(400);
      expect(problem.field, date).toBe('date');
    }
    await expectNoJobs();
  });

  it('rejects a city longer than 100 characters', async () => {
    const { response, problem } = await post(JSON.stringify({ city: 'S'.repeat(101) }));
    expect(response.status).toBe(400);
    expect(problem.field).toBe('city');
    await expectNoJobs();
  });
});

describe('malformed job ids', () => {
  const MALFORMED = [
    'not-a-token',
    '3F0C2A1E-5B7D-4C55-9A41-0F6E2D8B9C17',
    '3f0c2a1e-5b7d-4c55-9a41-0f6e2d8b9c1',
    '%E0%A4%A',
    "1'%20OR%20'1'='1",
    '%00',
  ];

  it.each(['GET', 'DELETE'])('rejects them on %s with 400', async (method) => {
    for (const id of MALFORMED) {
      const response = await testApp.request(`/jobs/${id}`, { method });
      const problem = (await response.json()) as Record<string, unknown>;
      expect(response.status, id).toBe(400);
      expect(response.headers.get('content-type'), id).toBe('application/problem+json');
      expect(problem.code, id).toBe('invalid_input');
      expect(problem.field, id).toBe('id');
    }
  });

  it('names the id in the detail', async () => {
    const response = await testApp.request('/jobs/not-a-token');
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem.detail).toBe(
      'Invalid job id "not-a-token": expected the jobId that POST /jobs returned, a lowercase UUID.',
    );
  });

  it('truncates a huge id in the detail', async () => {
    const response = await testApp.request(`/jobs/${'é'.repeat(10_000)}`);
    const problem = (await response.json()) as Record<string, unknown>;
    const detail = String(problem.detail);
    expect(response.status).toBe(400);
    expect(detail).toContain(`"${'é'.repeat(64)}"… (10000 characters)`);
    expect(detail.length).toBeLessThan(200);
  });

  it('answers without reading the store', async () => {
    await testApp.sqlite.close();
    for (const method of ['GET', 'DELETE']) {
      const response = await testApp.request('/jobs/not-a-token', { method });
      expect(response.status, method).toBe(400);
    }
  });

  it('keeps 404 for an unknown well-formed id', async () => {
    const response = await testApp.request('/jobs/3f0c2a1e-5b7d-4c55-9a41-0f6e2d8b9c17');
    const problem = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(404);
    expect(problem.code).toBe('not_found');
  });

  it('keeps 404 for extra path segments', async () => {
    for (const path of ['/jobs/not-a-token/extra', '/jobs/a/b/c', '/jobs//']) {
      const response = await testApp.request(path);
      expect(response.status, path).toBe(404);
    }
  });
});

describe('REST routing', () => {
  it('answers 405 with Allow for a wrong method', async () => {
    const collection = await testApp.request('/jobs', { method: 'PUT' });
    const item = await testApp.request('/jobs/abc', { method: 'PATCH' });
    expect(collection.status).toBe(405);
    expect(collection.headers.get('allow')).toBe('POST');
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, HEAD, DELETE');
  });

  it('answers HEAD on a job like GET without a body', async () => {
    const submitted = await testApp.postJob({ city: 'Seattle' });
    const { jobId } = (await submitted.json()) as { jobId: string };
    const response = await testApp.request(`/jobs/${jobId}`, { method: 'HEAD' });
    expect(response.status).toBe(202);
    expect(response.headers.get('retry-after')).not.toBeNull();
    expect(await response.text()).toBe('');
  });

  it('serves the OpenAPI document', async () => {
    const response = await testApp.request('/openapi.json');
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(response.status).toBe(200);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(['/jobs', '/jobs/{id}']);
  });

  it('documents 400 and 429 for job polls', async () => {
    const response = await testApp.request('/openapi.json');
    const document = (await response.json()) as {
      paths: { '/jobs/{id}': Record<string, { responses: Record<string, unknown> }> };
    };
    const item = document.paths['/jobs/{id}'];
    expect(Object.keys(item.get?.responses ?? {})).toEqual(
      expect.arrayContaining(['400', '404', '429']),
    );
    expect(Object.keys(item.delete?.responses ?? {})).toContain('400');
  });

  it('answers the health check', async () => {
    const response = await testApp.request('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await testApp.request('/health', { method: 'HEAD' })).status).toBe(200);
  });

  it('rejects other methods on the health check', async () => {
    const response = await testApp.request('/health', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await response.json()).code).toBe('method_not_allowed');
  });

  it('answers paths ending in health as unknown routes', async () => {
    for (const path of ['/jobs/x/health', '/nope/health', '/nope#', '/nope%20']) {
      expect((await testApp.request(path)).status, path).toBe(404);
    }
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await testApp.request('/nope');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.json()).detail).toBe('No route matches "/nope".');
  });

  it('serves GraphiQL without a CDN', async () => {
    const response = await testApp.request('/graphql', { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<html');
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs/);
  });
});
