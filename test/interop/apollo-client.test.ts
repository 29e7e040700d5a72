import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { isAbstractType } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { startTestServer, type TestServer } from '../support/http-test-server.js';

const SUBMIT = gql`
  mutation Submit($input: SubmitForecastJobInput!) {
    submitForecastJob(input: $input) {
      __typename
      ... on ForecastJob { id status }
      ... on Error { message code }
    }
  }
`;

const POLL = gql`
  query Poll($id: ID!) {
    job(id: $id) {
      id
      status
      done
      progress { percent message }
      error { code message retryable }
      ... on ForecastJob { data { city country date temperatureC } }
    }
  }
`;

interface PolledJob {
  id: string;
  status: string;
  done: boolean;
  progress: { percent: number };
  error: { code: string; message: string; retryable: boolean } | null;
  data?: { city: string; country: string; date: string; temperatureC: number } | null;
}

const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/**
 * Lists every interface and union of the schema with its object types, so the Apollo cache can
 * match `... on ForecastJob` and `... on Error`.
 */
function possibleTypesOfSchema(): Record<string, string[]> {
  const possibleTypes: Record<string, string[]> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    possibleTypes[type.name] = schema.getPossibleTypes(type).map((possible) => possible.name);
  }
  return possibleTypes;
}

function createApollo(url: string) {
  return new ApolloClient({
    link: new HttpLink({ uri: `${url}/graphql` }),
    cache: new InMemoryCache({ possibleTypes: possibleTypesOfSchema() }),
  });
}

/** Watches `job(id)` with pollInterval until `done`, collecting every status seen on the way. */
function pollWithApollo(apollo: ApolloClient, id: string) {
  const statuses: string[] = [];
  const finished = new Promise<PolledJob>((resolve, reject) => {
    const query = apollo.watchQuery<{ job: PolledJob | null }>({
      query: POLL,
      variables: { id },
      pollInterval: 100,
      fetchPolicy: 'network-only',
    });
    const subscription = query.subscribe({
      next: (result) => {
        // Apollo 4 marks results whose data is still partial, such as while loading.
        if (result.dataState !== 'complete') return;
        const job = result.data.job;
        if (!job) return;
        if (statuses.at(-1) !== job.status) statuses.push(job.status);
        if (!job.done) return;
        query.stopPolling();
        subscription.unsubscribe();
        resolve(job);
      },
      error: reject,
    });
  });
  return { statuses, finished };
}

async function submit(apollo: ApolloClient): Promise<string> {
  const { data } = await apollo.mutate<{ submitForecastJob: { __typename: string; id: string } }>({
    mutation: SUBMIT,
    variables: { input: { city: 'Seattle', date: '2025-11-08' } },
  });
  expect(data?.submitForecastJob.__typename).toBe('ForecastJob');
  return data?.submitForecastJob.id as string;
}

describe('Apollo Client 4 polling with pollInterval', () => {
  it('polls job(id) until the forecast completes', async () => {
    const server = await startTestServer({ forecastDurationMs: 800 });
    servers.push(server);
    const apollo = createApollo(server.url);
    const id = await submit(apollo);

    const { statuses, finished } = pollWithApollo(apollo, id);
    const job = await finished;

    expect(job.status).toBe('COMPLETED');
    expect(job.data?.city).toBe('Seattle');
    expect(job.data?.date).toBe('2025-11-08');
    expect(statuses).toContain('RUNNING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    apollo.stop();
  });

  it('polls job(id) until the job fails', async () => {
    const server = await startTestServer({
      forecastDurationMs: 2_000,
      forecastTimeoutMs: 50,
      forecastMaxAttempts: 1,
    });
    servers.push(server);
    const apollo = createApollo(server.url);
    const id = await submit(apollo);

    const job = await pollWithApollo(apollo, id).finished;

    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('timeout');
    expect(job.data).toBeNull();
    apollo.stop();
  });
});
