import {
  createHttpPoller,
  type OperationResponse,
  type OperationState,
  type RunningOperation,
} from '@azure/core-lro';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http-test-server.js';

/**
 * The lro adapter core-lro expects from an HTTP pipeline, written over the global fetch: the
 * initial POST /jobs and a GET for every poll of the `Location` it returns.
 */
function fetchOperation(baseUrl: string, body: unknown): RunningOperation {
  const send = async (method: string, url: string, payload?: unknown) => {
    const response = await fetch(url, {
      method,
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const parsed = (await response.json()) as unknown;
    const result: OperationResponse = {
      flatResponse: parsed,
      rawResponse: {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        request: { method, url },
        body: parsed,
      },
    };
    return result;
  };
  return {
    sendInitialRequest: () => send('POST', `${baseUrl}/jobs`, body),
    sendPollRequest: (path) => send('GET', new URL(path, baseUrl).href),
  };
}

const servers: TestServer[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

interface CompletedBody {
  status: string;
  data: { city: string; date: string };
}

describe('@azure/core-lro HTTP poller', () => {
  it('follows Location to the completed job', async () => {
    const server = await startTestServer({ forecastDurationMs: 1_500 });
    servers.push(server);
    const polledPaths: string[] = [];
    const poller = createHttpPoller<CompletedBody, OperationState<CompletedBody>>(
      fetchOperation(server.url, { city: 'Seattle', date: '2025-11-08' }),
      {
        intervalInMs: 100,
        withOperationLocation: (location) => polledPaths.push(location),
      },
    );

    const result = await poller.pollUntilDone();

    expect(poller.operationState?.status).toBe('succeeded');
    expect(result.status).toBe('Completed');
    expect(result.data.city).toBe('Seattle');
    expect(result.data.date).toBe('2025-11-08');
    expect(polledPaths[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jobs\/[0-9a-f-]{36}$/);
  });

  it('reports a failed job as failed', async () => {
    const server = await startTestServer({
      forecastDurationMs: 2_000,
      forecastTimeoutMs: 50,
      forecastMaxAttempts: 1,
    });
    servers.push(server);
    const poller = createHttpPoller(fetchOperation(server.url, { city: 'Seattle' }), {
      intervalInMs: 100,
      resolveOnUnsuccessful: true,
    });

    await poller.pollUntilDone();

    expect(poller.operationState?.status).toBe('failed');
  });
});
