import { getIntrospectionQuery } from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_BATCH_OPERATIONS,
  MAX_QUERY_ALIASES,
  MAX_QUERY_COST,
  MAX_QUERY_DEPTH,
  MAX_QUERY_DIRECTIVES,
  MAX_QUERY_TOKENS,
} from '../../src/http/graphql-limits.js';
import {
  CANCEL_JOB_DOCUMENT,
  GET_JOB_DOCUMENT,
  SUBMIT_FORECAST_DOCUMENT,
} from '../../src/rest/rest-documents.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;

beforeEach(async () => {
  testApp = await createTestApp({ runner: false });
});

afterEach(async () => {
  await testApp.close();
});

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Posts a raw GraphQL request body, a single request or a batch. */
async function postGraphQL(body: unknown) {
  const response = await testApp.request('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as GraphQLBody | GraphQLBody[] };
}

async function postDocument(query: string, variables: Record<string, unknown> = {}) {
  const { response, body } = await postGraphQL({ query, variables });
  return { response, body: body as GraphQLBody };
}

async function storedJobCount(): Promise<number> {
  return (await testApp.store.list({ limit: 100 })).length;
}

const JOB_FRAGMENT = GET_JOB_DOCUMENT.slice(GET_JOB_DOCUMENT.indexOf('fragment RestJob'));
const FULL_PAGE = `jobs(first: 100) {
  edges { cursor node { ...RestJob } }
  pageInfo { hasNextPage endCursor }
}`;
const SUBMIT_SEATTLE = 'submitForecastJob(input: { city: "Seattle" }) { __typename }';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** `count` aliased copies of a field: `a0: field a1: field …`. */
function aliased(count: number, field: string): string {
  return Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join('\n');
}

/** `__type` with `ofType` nested until the selection is `depth` fields deep. */
function typeChain(depth: number): string {
  let selection = 'name';
  for (let level = 0; level < depth - 4; level += 1) selection = `ofType { ${selection} }`;
  return `{ __type(name: "Query") { fields { type { ${selection} } } } }`;
}

/** Builds a document of exactly `count` tokens: `__typename` inside nested inline fragments. */
function documentOfTokens(count: number): string {
  // The outer braces and `__typename` are 3 tokens. Each `... on Query { }` adds 5, and each
  // extra `__typename` adds 1.
  const levels = Math.floor((count - 3) / 5);
  const extra = '__typename '.repeat(count - 3 - 5 * levels);
  return `{ ${'... on Query { '.repeat(levels)}__typename ${extra}${'} '.repeat(levels)}}`;
}

function expectQueryTooComplex(response: Response, body: GraphQLBody, text: string) {
  expect(response.status).toBe(400);
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  expect(body.errors?.[0]?.message).toContain(text);
}

describe('GraphQL document limits', () => {
  it('accepts the REST documents', async () => {
    const documents = [SUBMIT_FORECAST_DOCUMENT, GET_JOB_DOCUMENT, CANCEL_JOB_DOCUMENT];
    const variables = [{ input: { city: 'Seattle' } }, { id: UNKNOWN_ID }, { id: UNKNOWN_ID }];
    for (const [index, document] of documents.entries()) {
      const { response, body } = await postDocument(document, variables[index]);
      expect(response.status, document).toBe(200);
      expect(body.errors, document).toBeUndefined();
    }
  });

  it('accepts the README examples', async () => {
    const submit = await postDocument(`mutation {
      submitForecastJob(input: { city: "Seattle", date: "2025-11-08" }) {
        __typename
        ... on ForecastJob { id status }
        ... on InvalidInputError { message field issues { field message } }
      }
    }`);
    const poll = await postDocument(
      `query Poll($id: ID!) {
        job(id: $id) {
          id status done
          progress { percent message }
          error { code message retryable }
          ... on ForecastJob { data { city country date temperatureC temperatureF summary } }
        }
      }`,
      { id: UNKNOWN_ID },
    );
    expect(submit.body.errors).toBeUndefined();
    expect(poll.body.errors).toBeUndefined();
  });

  it("accepts GraphiQL's introspection query", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const { response, body } = await postDocument(query);
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.__schema).toBeDefined();
  });

  it('accepts a full page of jobs', async () => {
    const { response, body } = await postDocument(`{ ${FULL_PAGE} }\n${JOB_FRAGMENT}`);
    expect(response.status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('rejects a document over the depth limit', async () => {
    const accepted = await postDocument(typeChain(MAX_QUERY_DEPTH));
    expect(accepted.body.errors).toBeUndefined();

    const { response, body } = await postDocument(typeChain(MAX_QUERY_DEPTH + 1));
    expectQueryTooComplex(
      response,
      body,
      `query depth limit of ${MAX_QUERY_DEPTH} (found ${MAX_QUERY_DEPTH + 1})`,
    );
  });

  it('rejects a document over the alias limit', async () => {
    const field = `job(id: "${UNKNOWN_ID}") { id }`;
    const accepted = await postDocument(`{ ${aliased(MAX_QUERY_ALIASES, field)} }`);
    expect(accepted.body.errors).toBeUndefined();

    const { response, body } = await postDocument(`{ ${aliased(MAX_QUERY_ALIASES + 1, field)} }`);
    expectQueryTooComplex(
      response,
      body,
      `alias limit of ${MAX_QUERY_ALIASES} (found ${MAX_QUERY_ALIASES + 1})`,
    );
  });

  it('rejects a document over the cost limit', async () => {
    const { response, body } = await postDocument(`{ ${aliased(2, FULL_PAGE)} }\n${JOB_FRAGMENT}`);
    expectQueryTooComplex(response, body, `query cost limit of ${MAX_QUERY_COST} (found `);
  });

  it('rejects a document over the token limit', async () => {
    const accepted = await postDocument(documentOfTokens(MAX_QUERY_TOKENS));
    expect(accepted.body.errors).toBeUndefined();

    const { response, body } = await postDocument(documentOfTokens(MAX_QUERY_TOKENS + 1));
    expectQueryTooComplex(response, body, `token limit of ${MAX_QUERY_TOKENS}.`);
  });

  it('rejects a document over the directive limit', async () => {
    const field = (count: number) => '__typename @include(if: true) '.repeat(count);
    const accepted = await postDocument(`{ ${field(MAX_QUERY_DIRECTIVES)} }`);
    expect(accepted.body.errors).toBeUndefined();

    const { response, body } = await postDocument(`{ ${field(MAX_QUERY_DIRECTIVES + 1)} }`);
    expectQueryTooComplex(
      response,
      body,
      `directive limit of ${MAX_QUERY_DIRECTIVES} (found ${MAX_QUERY_DIRECTIVES + 1})`,
    );
  });

  it('executes nothing of a rejected mutation', async () => {
    const { response, body } = await postDocument(
      `mutation { ${aliased(MAX_QUERY_ALIASES + 1, SUBMIT_SEATTLE)} }`,
    );
    expectQueryTooComplex(response, body, 'alias limit');
    expect(await storedJobCount()).toBe(0);
  });
});

describe('GraphQL field suggestions', () => {
  const TYPO = '{ job(id: "x") { stauts } }';

  it('are shown by default outside production', async () => {
    const { body } = await postDocument(TYPO);
    expect(body.errors?.[0]?.message).toContain('Did you mean "status"?');
  });

  it('are hidden when hideFieldSuggestions is set', async () => {
    await testApp.close();
    testApp = await createTestApp({ runner: false, hideFieldSuggestions: true });
    const { response, body } = await postDocument(TYPO);
    expect(response.status).toBe(400);
    expect(body.errors?.[0]?.message).toContain('Cannot query field "stauts"');
    expect(body.errors?.[0]?.message).not.toContain('status');
  });
});

describe('GraphQL batching', () => {
  it('answers a batch within the limit in order', async () => {
    const { response, body } = await postGraphQL([
      { query: '{ __typename }' },
      { query: 'query Job($id: ID!) { job(id: $id) { id } }', variables: { id: UNKNOWN_ID } },
    ]);
    expect(response.status).toBe(200);
    expect(body).toEqual([{ data: { __typename: 'Query' } }, { data: { job: null } }]);
  });

  it('runs every operation of a full batch', async () => {
    const batch = Array.from({ length: MAX_BATCH_OPERATIONS }, () => ({
      query: `mutation { ${SUBMIT_SEATTLE} }`,
    }));
    const { response, body } = await postGraphQL(batch);
    expect(response.status).toBe(200);
    expect(body).toHaveLength(MAX_BATCH_OPERATIONS);
    expect(await storedJobCount()).toBe(MAX_BATCH_OPERATIONS);
  });

  it('rejects a batch over the limit with 413', async () => {
    const batch = Array.from({ length: MAX_BATCH_OPERATIONS + 1 }, () => ({
      query: `mutation { ${SUBMIT_SEATTLE} }`,
    }));
    const { response, body } = await postGraphQL(batch);
    const error = (body as GraphQLBody).errors?.[0];
    expect(response.status).toBe(413);
    expect(error?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error?.message).toContain(`at most ${MAX_BATCH_OPERATIONS} operations`);
    expect(error?.message).toContain(`got ${MAX_BATCH_OPERATIONS + 1}`);
    expect(await storedJobCount()).toBe(0);
  });
});
