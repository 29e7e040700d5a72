import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/create-app.js';
import { closeServer, listen } from '../../src/http/http-server.js';
import { createForecastKind } from '../../src/kinds/forecast/forecast-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';
import { createLogger } from '../../src/log/logger.js';
import type { JobStore } from '../../src/store/job-store.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { createTempDir } from '../support/temp-dir.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void> | void)[] = [];
const schemas: string[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

type StoreFactory = () => Promise<JobStore>;

function sqliteFactory(): StoreFactory {
  const dir = createTempDir();
  cleanups.push(() => dir.remove());
  const filename = join(dir.path, 'jobs.db');
  return async () => new SqliteJobStore({ filename, retentionMs: 86_400_000 });
}

function postgresFactory(): StoreFactory {
  const schema = uniqueSchema('jti');
  schemas.push(schema);
  return () =>
    PostgresJobStore.open({
      connectionString: TEST_DATABASE_URL,
      schema,
      retentionMs: 86_400_000,
      logger,
    });
}

/** Serves the real app, without a runner, on port 0 over real HTTP. */
async function serve(createStore: StoreFactory): Promise<{ url: string; store: JobStore }> {
  const store = await createStore();
  const kinds = new KindRegistry([createForecastKind({ durationMs: 0, timeoutMs: 60_000 })]);
  const app = createApp({ store, kinds, logger });
  const { server, address } = await listen(app, 0, '127.0.0.1');
  cleanups.push(async () => {
    await closeServer(server as Server);
    await store.close();
  });
  return { url: `http://127.0.0.1:${address.port}`, store };
}

function submit(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function countJobs(store: JobStore): Promise<number> {
  return (await store.list({ limit: 100 })).length;
}

const SEATTLE = { city: 'Seattle', date: '2025-11-08' };

describe.each([
  ['SQLite', sqliteFactory],
  ['PostgreSQL', postgresFactory],
])('idempotency keys on %s', (_name, factory) => {
  it('returns the first job for a retry', async () => {
    const { url, store } = await serve(factory());
    const first = await submit(url, SEATTLE, { 'idempotency-key': '"order-1"' });
    expect(first.status).toBe(202);
    const retry = await submit(
      url,
      { date: '2025-11-08', city: 'Seattle' },
      {
        'idempotency-key': '"order-1"',
      },
    );
    expect(retry.status).toBe(202);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('retry-after')).toBe(first.headers.get('retry-after'));
    const [firstBody, retryBody] = [await first.json(), await retry.json()];
    expect(retryBody.jobId).toBe(firstBody.jobId);
    expect(await countJobs(store)).toBe(1);
  });

  it('rejects a key reused with another payload', async () => {
    const { url, store } = await serve(factory());
    const first = await submit(url, SEATTLE, { 'idempotency-key': 'order-2' });
    const { jobId } = await first.json();
    const other = await submit(url, { city: 'Oslo' }, { 'idempotency-key': 'order-2' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    const problem = await other.json();
    expect(problem.code).toBe('idempotency_key_mismatch');
    expect(problem.type).toBe('urn:jobtoken:problem:idempotency-key-mismatch');
    expect(problem.detail).toContain(jobId);
    expect(await countJobs(store)).toBe(1);
  });

  it('scopes keys per caller', async () => {
    const { url, store } = await serve(factory());
    const alice = await submit(url, SEATTLE, {
      'idempotency-key': 'shared',
      authorization: 'Bearer alice',
    });
    const bob = await submit(url, SEATTLE, {
      'idempotency-key': 'shared',
      authorization: 'Bearer bob',
    });
    const aliceAgain = await submit(url, SEATTLE, {
      'idempotency-key': 'shared',
      authorization: 'Bearer alice',
    });
    const [a, b, again] = [await alice.json(), await bob.json(), await aliceAgain.json()];
    expect(b.jobId).not.toBe(a.jobId);
    expect(again.jobId).toBe(a.jobId);
    expect(await countJobs(store)).toBe(2);
  });

  it('creates one job for four clients sending 100 submits each', async () => {
    const { url, store } = await serve(factory());
    const client = () =>
      Promise.all(
        Array.from({ length: 100 }, () =>
          submit(url, SEATTLE, { 'idempotency-key': 'burst' }).then(async (response) => ({
            status: response.status,
            retryAfter: response.headers.get('retry-after'),
            body: await response.json(),
          })),
        ),
      );
    const answers = (await Promise.all([client(), client(), client(), client()])).flat();
    expect(answers).toHaveLength(400);
    const accepted = answers.filter((answer) => answer.status === 202);
    const inUse = answers.filter((answer) => answer.status === 409);
    expect(accepted.length + inUse.length).toBe(400);
    expect(accepted.length).toBeGreaterThan(0);
    expect(new Set(accepted.map((answer) => answer.body.jobId)).size).toBe(1);
    for (const answer of inUse) {
      expect(answer.body.code).toBe('idempotency_key_in_use');
      expect(answer.retryAfter).toBe('1');
    }
    expect(await countJobs(store)).toBe(1);
  }, 60_000);
});

describe('idempotency keys across processes', () => {
  it('creates one job for two API processes', async () => {
    const factory = postgresFactory();
    const [one, two] = await Promise.all([serve(factory), serve(factory)]);
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        submit(index % 2 === 0 ? one.url : two.url, SEATTLE, { 'idempotency-key': 'shared' }),
      ),
    );
    const bodies = await Promise.all(
      answers.filter((answer) => answer.status === 202).map((answer) => answer.json()),
    );
    expect(answers.every((answer) => answer.status === 202 || answer.status === 409)).toBe(true);
    expect(new Set(bodies.map((body) => body.jobId)).size).toBe(1);
    expect(await countJobs(one.store)).toBe(1);
  }, 30_000);
});

describe('Idempotency-Key header', () => {
  it.each([
    ['an empty key', '""', /must not be empty/],
    ['a key over 255 characters', 'k'.repeat(256), /at most 255 characters/],
    ['a key with control characters', '"a\tb"', /printable ASCII/],
    ['an unterminated quote', '"abc', /not a structured field string/],
    ['text after the closing quote', '"abc"x', /not a structured field string/],
    ['a quote inside a bare key', 'ab"c', /not a structured field string/],
    ['a comma inside a bare key', 'ab,c', /not a structured field string/],
    ['an unknown escape', '"a\\nb"', /not a structured field string/],
  ])('rejects %s', async (_case, header, message) => {
    const { url, store } = await serve(sqliteFactory());
    const response = await submit(url, SEATTLE, { 'idempotency-key': header });
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.code).toBe('invalid_input');
    expect(problem.field).toBe('Idempotency-Key');
    expect(problem.detail).toMatch(message);
    expect(await countJobs(store)).toBe(0);
  });
});

describe('Idempotency-Key repeated', () => {
  it('rejects two headers in one request', async () => {
    const { url, store } = await serve(sqliteFactory());
    const headers = new Headers({ 'content-type': 'application/json' });
    headers.append('idempotency-key', 'first');
    headers.append('idempotency-key', 'second');
    const response = await fetch(`${url}/jobs`, {
      method: 'POST',
      headers,
      body: JSON.stringify(SEATTLE),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).field).toBe('Idempotency-Key');
    expect(await countJobs(store)).toBe(0);
  });
});

describe('Idempotency-Key forms', () => {
  it('reads quoted, escaped and parameterised keys as one key', async () => {
    const { url, store } = await serve(sqliteFactory());
    const forms = ['"a\\"b"', '"a\\"b";client=1', ' "a\\"b" '];
    const ids = [];
    for (const form of forms) {
      const response = await submit(url, SEATTLE, { 'idempotency-key': form });
      expect(response.status).toBe(202);
      ids.push((await response.json()).jobId);
    }
    expect(new Set(ids).size).toBe(1);
    expect(await countJobs(store)).toBe(1);
  });
});

describe('submitForecastJob idempotencyKey', () => {
  const MUTATION = `
    mutation ($input: SubmitForecastJobInput!, $key: String) {
      submitForecastJob(input: $input, idempotencyKey: $key) {
        __typename
        ... on ForecastJob { id }
        ... on Error { code field message }
        ... on IdempotencyKeyMismatchError { jobId }
      }
    }`;

  async function graphql(url: string, variables: Record<string, unknown>) {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: MUTATION, variables }),
    });
    return (await response.json()).data.submitForecastJob;
  }

  it('returns the first job, or a typed error for another payload', async () => {
    const { url, store } = await serve(sqliteFactory());
    const first = await graphql(url, { input: SEATTLE, key: 'gql-1' });
    expect(first.__typename).toBe('ForecastJob');
    const again = await graphql(url, { input: SEATTLE, key: 'gql-1' });
    expect(again.id).toBe(first.id);
    const other = await graphql(url, { input: { city: 'Oslo' }, key: 'gql-1' });
    expect(other.__typename).toBe('IdempotencyKeyMismatchError');
    expect(other.code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    expect(other.field).toBe('idempotencyKey');
    expect(other.jobId).toBe(first.id);
    const invalid = await graphql(url, { input: SEATTLE, key: '' });
    expect(invalid.__typename).toBe('InvalidInputError');
    expect(invalid.field).toBe('idempotencyKey');
    expect(await countJobs(store)).toBe(1);
  });

  it('shares keys between GraphQL and REST', async () => {
    const { url, store } = await serve(sqliteFactory());
    const viaGraphql = await graphql(url, { input: SEATTLE, key: 'both-1' });
    const viaRest = await submit(url, SEATTLE, { 'idempotency-key': 'both-1' });
    expect((await viaRest.json()).jobId).toBe(viaGraphql.id);
    expect(await countJobs(store)).toBe(1);
  });
});
