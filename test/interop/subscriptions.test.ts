import { ApolloClient, ApolloLink, gql, InMemoryCache } from '@apollo/client';
import { Client, fetchExchange } from '@urql/core';
import { print } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http-test-server.js';

const JOB_UPDATED = gql`
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) {
      id
      status
      done
      progress { percent }
      ... on ForecastJob { data { city temperatureC } }
    }
  }
`;

interface JobUpdate {
  id: string;
  status: string;
  done: boolean;
  progress: { percent: number };
  data?: { city: string; temperatureC: number } | null;
}

const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function startServer(): Promise<TestServer> {
  const server = await startTestServer({ forecastDurationMs: 400 });
  servers.push(server);
  return server;
}

async function submit(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ city: 'Seattle', date: '2025-11-08' }),
  });
  return ((await response.json()) as { jobId: string }).jobId;
}

/** Creates an Apollo link that sends operations over graphql-sse, the protocol of yoga's SSE transport. */
function sseLink(url: string): ApolloLink {
  const sse = createSseClient({ url: `${url}/graphql` });
  return new ApolloLink(
    (operation) =>
      new Observable((subscriber) =>
        sse.subscribe(
          { query: print(operation.query), variables: operation.variables },
          {
            next: (value) => subscriber.next(value as ApolloLink.Result),
            error: (error) => subscriber.error(error),
            complete: () => subscriber.complete(),
          },
        ),
      ),
  );
}

function expectFullRun(updates: JobUpdate[]): void {
  expect(updates.length).toBeGreaterThanOrEqual(2);
  expect(updates.map((update) => update.status)).toContain('RUNNING');
  const last = updates.at(-1);
  expect(last?.status).toBe('COMPLETED');
  expect(last?.done).toBe(true);
  expect(last?.data?.city).toBe('Seattle');
  expect(updates.slice(0, -1).every((update) => !update.done)).toBe(true);
}

describe('subscribing with real clients', () => {
  it('Apollo Client receives every update over graphql-sse', async () => {
    const server = await startServer();
    const id = await submit(server);
    const apollo = new ApolloClient({ link: sseLink(server.url), cache: new InMemoryCache() });
    const updates = await new Promise<JobUpdate[]>((resolve, reject) => {
      const seen: JobUpdate[] = [];
      apollo
        .subscribe<{ jobUpdated: JobUpdate | null }>({ query: JOB_UPDATED, variables: { id } })
        .subscribe({
          next: (result) => {
            if (result.data?.jobUpdated) seen.push(result.data.jobUpdated);
          },
          error: reject,
          complete: () => resolve(seen),
        });
    });
    expectFullRun(updates);
    expect(updates.every((update) => update.id === id)).toBe(true);
  });

  it('urql receives every update with fetchSubscriptions', async () => {
    const server = await startServer();
    const id = await submit(server);
    const client = new Client({
      url: `${server.url}/graphql`,
      exchanges: [fetchExchange],
      fetchSubscriptions: true,
    });
    const updates = await new Promise<JobUpdate[]>((resolve, reject) => {
      const seen: JobUpdate[] = [];
      const { unsubscribe } = client
        .subscription<{ jobUpdated: JobUpdate | null }>(JOB_UPDATED, { id })
        .subscribe((result) => {
          if (result.error) {
            unsubscribe();
            reject(result.error);
            return;
          }
          const update = result.data?.jobUpdated;
          if (update) seen.push(update);
          if (update?.done) resolve(seen);
        });
    });
    expectFullRun(updates);
  });

  it('a late subscriber gets the result at once', async () => {
    const server = await startServer();
    const id = await submit(server);
    const sse = createSseClient({ url: `${server.url}/graphql` });
    const collect = () =>
      new Promise<JobUpdate[]>((resolve, reject) => {
        const seen: JobUpdate[] = [];
        sse.subscribe<{ jobUpdated: JobUpdate }>(
          { query: print(JOB_UPDATED), variables: { id } },
          {
            next: (value) => {
              if (value.data?.jobUpdated) seen.push(value.data.jobUpdated);
            },
            error: reject,
            complete: () => resolve(seen),
          },
        );
      });
    expectFullRun(await collect());
    const late = await collect();
    expect(late).toHaveLength(1);
    expect(late[0]?.status).toBe('COMPLETED');
  });
});
