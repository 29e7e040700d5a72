import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/error-codes.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Generated requests per run, kept modest so that the test stays short. */
const RUNS = 250;

let testApp: TestApp;
/** Ids of jobs that POST /jobs accepted, so later requests can poll and cancel real jobs. */
const acceptedIds: string[] = [];

beforeAll(async () => {
  testApp = await createTestApp();
});

afterAll(async () => {
  await testApp.close();
});

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | string | undefined;
}

const encoder = new TextEncoder();

const jobPath = fc.oneof(
  fc.constant('/jobs'),
  fc.constant('/jobs/'),
  fc.uuid().map((id) => `/jobs/${id}`),
  fc.nat().map((index) => `/jobs/{accepted:${index}}`),
  fc.string({ unit: 'binary', maxLength: 80 }).map((id) => `/jobs/${encodeURIComponent(id)}`),
  fc.stringMatching(/^[\w%.~-]{0,40}(\/[\w%.~-]{0,10}){0,3}$/).map((rest) => `/jobs/${rest}`),
  fc.integer({ min: 1000, max: 20_000 }).map((length) => `/jobs/${'a'.repeat(length)}`),
);

/** GraphQL over GET: a document and maybe variables, extensions and operationName. */
const graphqlPath = fc
  .record(
    {
      query: fc.oneof(
        fc.constantFrom(
          '{ __typename }',
          '{ jobs(first: 3) { edges { cursor } } }',
          'mutation { a }',
        ),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
      variables: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      extensions: fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      operationName: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: [] },
  )
  .map((params) => {
    const search = new URLSearchParams(params as Record<string, string>).toString();
    return search === '' ? '/graphql' : `/graphql?${search}`;
  });

const path = fc.oneof(
  { arbitrary: jobPath, weight: 4 },
  { arbitrary: graphqlPath, weight: 3 },
  { arbitrary: fc.constantFrom('/openapi.json', '/health'), weight: 1 },
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'application/graphql',
    'application/graphql-response+json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=fuzz',
    'multipart/form-data',
    'text/plain',
    'text/html; charset=latin1',
  ),
  fc.string({ maxLength: 60 }),
);

const accept = fc.constantFrom(
  undefined,
  'application/json',
  'application/graphql-response+json',
  'text/event-stream',
  'multipart/mixed',
  'text/html',
  '*/*',
  'image/png',
);

/** GraphQL documents: valid and broken ones, but never one that submits a job. */
const document = fc.oneof(
  fc.constantFrom(
    '{ __typename }',
    'query { job(id: "x") { id status } }',
    'query J($id: ID!) { job(id: $id) { id ... on ForecastJob { data { city } } } }',
    'query { jobs(first: 101) { edges { node { id } } } }',
    'query { jobs(after: "bm90IGEgY3Vyc29y") { edges { cursor } } }',
    'mutation C($id: ID!) { cancelJob(id: $id) { __typename } }',
    'subscription { job }',
    '{ __schema { types { name } } }',
    'query A { __typename } query B { __typename }',
    '{ job(id: "x") { stauts } }',
    '{',
    '',
  ),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`),
  fc.integer({ min: 1, max: 3000 }).map((count) => `{ ${'x: __typename '.repeat(count)}}`),
  fc.string({ maxLength: 300 }),
);

const graphqlRequest = fc.record(
  {
    query: fc.oneof(document, fc.jsonValue()),
    variables: fc.oneof(fc.jsonValue(), fc.record({ id: fc.oneof(fc.uuid(), fc.jsonValue()) })),
    operationName: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue()),
    extensions: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

/** Forecast inputs: valid ones, so some submissions are accepted, and broken ones. */
const forecastInput = fc.oneof(
  fc.record(
    { city: fc.constantFrom('Seattle', 'Oslo', 'São Paulo'), date: fc.constant('2025-11-08') },
    { requiredKeys: ['city'] },
  ),
  fc.record(
    {
      city: fc.oneof(fc.constantFrom('Seattle', 'Atlantis', ''), fc.jsonValue()),
      date: fc.oneof(fc.constantFrom('2025-11-08', '2025-02-30'), fc.jsonValue()),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

/** `[[[…]]]` or `{"a":{"a":…}}` nested `depth` levels deep. */
const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 100_000 }), fc.boolean())
  .map(([depth, asArrays]) =>
    asArrays
      ? `${'['.repeat(depth)}${']'.repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** JSON text with bytes that are not valid UTF-8 inside a string. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom('{"city":"', '{"query":"', '["'),
    fc.uint8Array({ minLength: 1, maxLength: 8 }),
  )
  .map(([prefix, bytes]) => {
    const invalid = bytes.map((byte) => 0x80 | (byte & 0x7f));
    return new Uint8Array([...encoder.encode(prefix), 0xff, ...invalid, ...encoder.encode('"}')]);
  });

const body = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => new Uint8Array(bytes)),
  fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'x'.repeat(length)),
  fc
    .integer({ min: 10_000, max: 100_000 })
    .map((length) => JSON.stringify({ city: 'S'.repeat(length) })),
  deepJson,
  invalidUtf8,
  graphqlRequest.map((request) => JSON.stringify(request)),
  fc.array(graphqlRequest, { maxLength: 14 }).map((batch) => JSON.stringify(batch)),
  forecastInput.map((input) => JSON.stringify(input)),
  graphqlPath.map((path) => path.slice('/graphql?'.length)),
);

const jsonContentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 4 },
  { arbitrary: contentType, weight: 1 },
);

/** Any method, route, headers and body. */
const anyRequest = fc.record({
  method: fc.constantFrom('POST', 'GET', 'DELETE', 'PUT', 'PATCH'),
  path,
  contentType: fc.option(contentType),
  body,
});

/** POST /jobs with mostly JSON bodies, so that some submissions are accepted. */
const submitRequest = fc.record({
  method: fc.constant('POST'),
  path: fc.constantFrom('/jobs', '/jobs/'),
  contentType: jsonContentType,
  body: fc.oneof(
    { arbitrary: forecastInput.map((input) => JSON.stringify(input)), weight: 3 },
    body,
  ),
});

/** GET or DELETE of accepted, unknown and malformed job ids. */
const jobRequest = fc.record({
  method: fc.constantFrom('GET', 'DELETE'),
  path: jobPath,
  contentType: fc.option(contentType),
  body,
});

/** POST /graphql with mostly JSON bodies: single requests, batches and garbage. */
const graphqlRequestOverPost = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/graphql'),
  contentType: jsonContentType,
  body: fc.oneof(
    { arbitrary: graphqlRequest.map((request) => JSON.stringify(request)), weight: 3 },
    {
      arbitrary: fc.array(graphqlRequest, { maxLength: 14 }).map((batch) => JSON.stringify(batch)),
      weight: 2,
    },
    { arbitrary: body, weight: 2 },
  ),
});

const request: fc.Arbitrary<FuzzRequest> = fc
  .record({
    parts: fc.oneof(anyRequest, submitRequest, jobRequest, graphqlRequestOverPost),
    accept,
    authorization: fc.option(fc.string({ maxLength: 20 })),
  })
  .map(({ parts, accept, authorization }) => {
    const { method, path, contentType, body } = parts;
    const headers: Record<string, string> = {};
    if (contentType !== null) headers['content-type'] = contentType;
    if (accept !== undefined) headers.accept = accept;
    if (authorization !== null) headers.authorization = authorization;
    // Fetch forbids a body on GET.
    return { method, path, headers, body: method === 'GET' ? undefined : body };
  });

/** Replaces `{accepted:N}` with the id of an accepted job, or an unknown id before there is one. */
function resolvePath(path: string): string {
  return path.replace(/\{accepted:(\d+)\}/, (_, index: string) => {
    const id = acceptedIds[Number(index) % Math.max(1, acceptedIds.length)];
    return id ?? '00000000-0000-4000-8000-000000000000';
  });
}

/** Builds a Request, or null when fetch itself rejects the header values. */
function toRequest(fuzz: FuzzRequest): Request | null {
  try {
    return new Request(new URL(resolvePath(fuzz.path), 'http://jobtoken.test'), {
      method: fuzz.method,
      headers: fuzz.headers,
      body: fuzz.body,
    });
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

async function storedJobCount(): Promise<number> {
  return (await testApp.store.list({ limit: 10_000 })).length;
}

function isRestPath(pathname: string): boolean {
  return pathname === '/jobs' || pathname.startsWith('/jobs/') || pathname === '/openapi.json';
}

/**
 * Returns the JSON text of a GraphQL response. Clients that accept only text/event-stream or
 * multipart/mixed get the same JSON result inside the first event or part.
 */
function graphqlPayload(response: Response, text: string): string {
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) {
    return /^data: (.+)$/m.exec(text)?.[1] ?? '';
  }
  if (contentType.startsWith('multipart/mixed')) {
    return /\r\n\r\n(.+)\r\n/.exec(text)?.[1] ?? '';
  }
  expect(contentType, 'GraphQL error content type').toMatch(/json/);
  return text;
}

/** Checks the status and error shape of a response, and returns its body text. */
async function checkResponse(request: Request, response: Response): Promise<string> {
  const { pathname } = new URL(request.url);
  const text = await response.text();
  const label = `${request.method} ${pathname.slice(0, 80)} -> ${response.status} ${text.slice(0, 300)}`;
  expect(response.status, label).toBeLessThan(500);

  if (response.status >= 400 && isRestPath(pathname)) {
    expect(response.headers.get('content-type'), label).toBe('application/problem+json');
    const problem = JSON.parse(text) as { code?: unknown };
    expect(ERROR_CODES, label).toContain(problem.code);
  }
  if (response.status >= 400 && pathname === '/graphql') {
    const result = JSON.parse(graphqlPayload(response, text)) as { errors?: unknown };
    expect(Array.isArray(result.errors), label).toBe(true);
  }
  return text;
}

describe('HTTP routes under generated requests', () => {
  it('answer below 500 with coded errors and no stray jobs', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (fuzz) => {
        const request = toRequest(fuzz);
        if (!request) return;
        const before = await storedJobCount();

        const response = await testApp.app.fetch(request);
        const text = await checkResponse(request, response);

        const accepted =
          request.method === 'POST' &&
          new URL(request.url).pathname.replace(/\/$/, '') === '/jobs' &&
          response.status === 202;
        if (accepted) acceptedIds.push((JSON.parse(text) as { jobId: string }).jobId);
        expect(await storedJobCount()).toBe(before + (accepted ? 1 : 0));
      }),
      { numRuns: RUNS },
    );

    const health = await testApp.request('/health');
    expect(health.status).toBe(200);
  }, 120_000);
});
