import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;

beforeEach(async () => {
  testApp = await createTestApp({ runner: false });
});

afterEach(async () => {
  await testApp.close();
});

interface GraphQLErrors {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function errorsOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await response.json()) as GraphQLErrors).errors ?? [];
}

const TYPENAME = encodeURIComponent('{ __typename }');

describe('GraphQL request errors', () => {
  it('reports an oversize body as PAYLOAD_TOO_LARGE', async () => {
    const response = await testApp.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', variables: { x: 'a'.repeat(70_000) } }),
    });
    const [error] = await errorsOf(response);
    expect(response.status).toBe(413);
    expect(error?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects variables that are not JSON in a GET', async () => {
    const response = await testApp.request(`/graphql?query=${TYPENAME}&variables=%7Bnope`);
    const [error] = await errorsOf(response);
    expect(response.status).toBe(400);
    expect(error?.extensions?.code).toBe('BAD_REQUEST');
    expect(error?.message).toContain('Invalid JSON in the variables or extensions parameter');
  });

  it('rejects extensions that are not JSON in a GET', async () => {
    const response = await testApp.request(`/graphql?query=${TYPENAME}&extensions=%5B`);
    const [error] = await errorsOf(response);
    expect(response.status).toBe(400);
    expect(error?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('rejects variables that are not JSON in a form body', async () => {
    const response = await testApp.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `query=${TYPENAME}&variables=%7Bnope`,
    });
    const [error] = await errorsOf(response);
    expect(response.status).toBe(400);
    expect(error?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('still runs a GET with JSON variables', async () => {
    const query = encodeURIComponent('query Job($id: ID!) { job(id: $id) { id } }');
    const variables = encodeURIComponent('{"id":"00000000-0000-4000-8000-000000000000"}');
    const response = await testApp.request(`/graphql?query=${query}&variables=${variables}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { job: null } });
  });

  it('names an unsupported Content-Type with 415', async () => {
    const response = await testApp.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{ __typename }',
    });
    const [error] = await errorsOf(response);
    expect(response.status).toBe(415);
    expect(error?.extensions?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error?.message).toContain('Content-Type "text/plain"');
    expect(error?.message).toContain('application/json');
  });

  it('names a missing Content-Type with 415', async () => {
    const response = await testApp.request('/graphql', {
      method: 'POST',
      body: new TextEncoder().encode('{ __typename }'),
    });
    const [error] = await errorsOf(response);
    expect(response.status).toBe(415);
    expect(error?.message).toContain('no Content-Type');
  });

  it('names an unacceptable Accept with 406', async () => {
    const response = await testApp.request('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'image/png' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const [error] = await errorsOf(response);
    expect(response.status).toBe(406);
    expect(error?.extensions?.code).toBe('NOT_ACCEPTABLE');
    expect(error?.message).toContain('Accept "image/png"');
    expect(response.headers.get('accept')).toContain('application/graphql-response+json');
  });
});
