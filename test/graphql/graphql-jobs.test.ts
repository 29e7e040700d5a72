import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { printSortedSchema } from '../../src/graphql/schema.js';
import { createJobId } from '../../src/job/job-id.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { waitFor } from '../support/wait-for.js';

let testApp: TestApp;

afterEach(async () => {
  await testApp?.close();
});

const SUBMIT = `
  mutation Submit($input: SubmitForecastJobInput!) {
    submitForecastJob(input: $input) {
      __typename
      ... on ForecastJob { id status done input { city date } data { city } }
      ... on Error { message code field }
      ... on InvalidInputError { issues { field message } }
    }
  }`;

const JOB = `
  query Job($id: ID!) {
    job(id: $id) {
      __typename id status done attempt createdAt finishedAt
      progress { percent message }
      error { code message retryable }
      ... on ForecastJob { data { city country date temperatureC temperatureF summary } }
    }
  }`;

const CANCEL = `
  mutation Cancel($id: ID!) {
    cancelJob(id: $id) {
      __typename
      ... on Operation { id status }
      ... on Error { message code field }
    }
  }`;

type Result = Record<string, unknown>;

async function submit(input: Record<string, unknown>) {
  const result = await testApp.graphql<{ submitForecastJob: Result }>(SUBMIT, { input });
  expect(result.errors).toBeUndefined();
  return result.data?.submitForecastJob as Result;
}

describe('submitForecastJob', () => {
  it('returns the Pending operation', async () => {
    testApp = await createTestApp({ runner: false });
    const job = await submit({ city: 'Seattle', date: '2025-11-08' });
    expect(job.__typename).toBe('ForecastJob');
    expect(job.status).toBe('PENDING');
    expect(job.done).toBe(false);
    expect(job.data).toBeNull();
    expect(job.input).toEqual({ city: 'Seattle', date: '2025-11-08' });
    expect(await testApp.store.get(job.id as string)).not.toBeNull();
  });

  it('returns InvalidInputError for an unknown city', async () => {
    testApp = await createTestApp({ runner: false });
    const error = await submit({ city: 'Atlantis' });
    expect(error.__typename).toBe('InvalidInputError');
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('city');
    expect(String(error.message)).toContain('Atlantis');
    expect(await testApp.store.list({ limit: 10 })).toEqual([]);
  });

  it('returns InvalidInputError for an impossible date', async () => {
    testApp = await createTestApp({ runner: false });
    const error = await submit({ city: 'Seattle', date: '2025-02-30' });
    expect(error.__typename).toBe('InvalidInputError');
    expect(error.field).toBe('date');
    expect(error.issues).toEqual([
      { field: 'date', message: expect.stringContaining('2025-02-30') },
    ]);
  });
});

describe('job query', () => {
  it('shows data only once COMPLETED', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0 });
    const { id } = await submit({ city: 'Seattle', date: '2025-11-08' });
    const job = await waitFor(
      async () => (await testApp.graphql<{ job: Result }>(JOB, { id })).data?.job,
      (value) => value?.status === 'COMPLETED',
      { what: 'the job to complete' },
    );
    expect(job?.done).toBe(true);
    expect(job?.finishedAt).toEqual(expect.any(String));
    expect(job?.progress).toEqual({ percent: 100, message: expect.any(String) });
    expect(job?.data).toMatchObject({ city: 'Seattle', country: 'US', date: '2025-11-08' });
    expect(job?.error).toBeNull();
  });

  it('returns null for unknown and malformed ids', async () => {
    testApp = await createTestApp({ runner: false });
    for (const id of [createJobId(), 'garbage', '']) {
      const result = await testApp.graphql<{ job: Result | null }>(JOB, { id });
      expect(result.errors, id).toBeUndefined();
      expect(result.data?.job, id).toBeNull();
    }
  });

  it('resolves node by the same id', async () => {
    testApp = await createTestApp({ runner: false });
    const { id } = await submit({ city: 'Oslo' });
    const result = await testApp.graphql<{ node: Result }>(
      'query Node($id: ID!) { node(id: $id) { __typename id ... on ForecastJob { status } } }',
      { id },
    );
    expect(result.data?.node).toEqual({ __typename: 'ForecastJob', id, status: 'PENDING' });
  });

  it('loads 50 jobs with one store read', async () => {
    testApp = await createTestApp({ runner: false });
    const { sqlite } = testApp;
    let getManyCalls = 0;
    let getCalls = 0;
    const getMany = sqlite.getMany.bind(sqlite);
    const get = sqlite.get.bind(sqlite);
    sqlite.getMany = (ids) => {
      getManyCalls += 1;
      return getMany(ids);
    };
    sqlite.get = (id) => {
      getCalls += 1;
      return get(id);
    };
    const ids: string[] = [];
    for (let index = 0; index < 50; index += 1) {
      ids.push((await submit({ city: 'Seattle' })).id as string);
    }
    const fields = ids.map((id, index) => `j${index}: job(id: "${id}") { id status }`).join('\n');
    const result = await testApp.graphql<Record<string, Result>>(`{ ${fields} }`);
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data ?? {}).map((job) => job.id)).toEqual(ids);
    expect(getManyCalls).toBe(1);
    expect(getCalls).toBe(0);
  });
});

describe('jobs connection', () => {
  const JOBS = `
    query Jobs($first: Int, $after: String, $status: JobStatus) {
      jobs(first: $first, after: $after, status: $status) {
        edges { cursor node { id status } }
        pageInfo { hasNextPage endCursor }
      }
    }`;

  type Page = {
    jobs: {
      edges: { cursor: string; node: { id: string; status: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };

  it('pages newest first', async () => {
    testApp = await createTestApp({ runner: false });
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      ids.unshift((await submit({ city: 'Seattle' })).id as string);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const first = await testApp.graphql<Page>(JOBS, { first: 3 });
    const firstPage = first.data?.jobs;
    expect(firstPage?.edges.map((edge) => edge.node.id)).toEqual(ids.slice(0, 3));
    expect(firstPage?.pageInfo.hasNextPage).toBe(true);
    const second = await testApp.graphql<Page>(JOBS, {
      first: 3,
      after: firstPage?.pageInfo.endCursor,
    });
    expect(second.data?.jobs.edges.map((edge) => edge.node.id)).toEqual(ids.slice(3));
    expect(second.data?.jobs.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status', async () => {
    testApp = await createTestApp({ runner: false });
    const { id: cancelled } = await submit({ city: 'Seattle' });
    await submit({ city: 'Oslo' });
    await testApp.graphql(CANCEL, { id: cancelled });
    const result = await testApp.graphql<Page>(JOBS, { status: 'CANCELLED' });
    expect(result.data?.jobs.edges.map((edge) => edge.node.id)).toEqual([cancelled]);
  });

  it('rejects first above the maximum', async () => {
    testApp = await createTestApp({ runner: false });
    const result = await testApp.graphql<Page>(JOBS, { first: 101 });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('101');
  });

  it('rejects a forged cursor', async () => {
    testApp = await createTestApp({ runner: false });
    const result = await testApp.graphql<Page>(JOBS, { after: 'bm90LWEtY3Vyc29y' });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('cancelJob', () => {
  it('cancels a Pending job', async () => {
    testApp = await createTestApp({ runner: false });
    const { id } = await submit({ city: 'Seattle' });
    const result = await testApp.graphql<{ cancelJob: Result }>(CANCEL, { id });
    expect(result.data?.cancelJob).toEqual({ __typename: 'ForecastJob', id, status: 'CANCELLED' });
  });

  it('returns NotFoundError for an unknown id', async () => {
    testApp = await createTestApp({ runner: false });
    const id = createJobId();
    const result = await testApp.graphql<{ cancelJob: Result }>(CANCEL, { id });
    expect(result.data?.cancelJob.__typename).toBe('NotFoundError');
    expect(result.data?.cancelJob.code).toBe('NOT_FOUND');
    expect(result.data?.cancelJob.field).toBe('id');
  });

  it('returns AlreadyFinishedError for a completed job', async () => {
    testApp = await createTestApp({ forecastDurationMs: 0 });
    const { id } = await submit({ city: 'Seattle' });
    await waitFor(
      () => testApp.store.get(id as string),
      (job) => job?.status === 'Completed',
    );
    const result = await testApp.graphql<{ cancelJob: Result }>(CANCEL, { id });
    expect(result.data?.cancelJob.__typename).toBe('AlreadyFinishedError');
    expect(result.data?.cancelJob.code).toBe('ALREADY_FINISHED');
  });
});

describe('schema.graphql', () => {
  it('matches the Pothos schema', () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed, 'run `npm run schema:print` and commit schema.graphql').toBe(
      printSortedSchema(),
    );
  });
});
