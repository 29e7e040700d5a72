import { Client, fetchExchange, gql } from '@urql/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http-test-server.js';

const SUBMIT = gql`
  mutation Submit($input: SubmitForecastJobInput!) {
    submitForecastJob(input: $input) {
      __typename
      ... on ForecastJob { id }
    }
  }
`;

const POLL = gql`
  query Poll($id: ID!) {
    job(id: $id) {
      id
      status
      done
      progress { percent }
      ... on ForecastJob { data { city date summary } }
    }
  }
`;

interface PolledJob {
  id: string;
  status: string;
  done: boolean;
  progress: { percent: number };
  data: { city: string; date: string; summary: string } | null;
}

const POLL_INTERVAL_MS = 100;
const POLL_DEADLINE_MS = 10_000;

const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

describe('urql polling with network-only queries', () => {
  it('queries job(id) until the job is done', async () => {
    const server = await startTestServer({ forecastDurationMs: 800 });
    servers.push(server);
    const urql = new Client({ url: `${server.url}/graphql`, exchanges: [fetchExchange] });
    const submitted = await urql
      .mutation(SUBMIT, { input: { city: 'Oslo', date: '2025-01-15' } })
      .toPromise();
    expect(submitted.error).toBeUndefined();
    const id = submitted.data.submitForecastJob.id as string;

    const statuses: string[] = [];
    const deadline = Date.now() + POLL_DEADLINE_MS;
    let job: PolledJob | undefined;
    while (Date.now() < deadline) {
      const result = await urql
        .query<{ job: PolledJob }>(POLL, { id }, { requestPolicy: 'network-only' })
        .toPromise();
      expect(result.error).toBeUndefined();
      job = result.data?.job;
      if (job && statuses.at(-1) !== job.status) statuses.push(job.status);
      if (job?.done) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }

    expect(job?.status).toBe('COMPLETED');
    expect(job?.data?.city).toBe('Oslo');
    expect(job?.progress.percent).toBe(100);
    expect(statuses).toContain('RUNNING');
  });

  it('reads an unknown job as null', async () => {
    const server = await startTestServer();
    servers.push(server);
    const urql = new Client({ url: `${server.url}/graphql`, exchanges: [fetchExchange] });

    const result = await urql
      .query(
        POLL,
        { id: '00000000-0000-4000-8000-000000000000' },
        { requestPolicy: 'network-only' },
      )
      .toPromise();

    expect(result.error).toBeUndefined();
    expect(result.data.job).toBeNull();
  });
});
