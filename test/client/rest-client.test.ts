import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobtokenRequestError } from '../../src/client/request-error.js';
import { createRestClient } from '../../src/client/rest-client.js';
import { closeServer, listen } from '../../src/http/http-server.js';
import { POLL_BURST } from '../../src/rest/poll-rate-limiter.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let testApp: TestApp;
let server: Server;

afterEach(async () => {
  await closeServer(server);
  await testApp.close();
});

describe('REST client pollUntilDone', () => {
  it('waits out a 429 and returns the result', async () => {
    testApp = await createTestApp({ runner: false });
    const listening = await listen(testApp.app, 0, '127.0.0.1');
    server = listening.server;
    const baseUrl = `http://127.0.0.1:${listening.address.port}`;
    const client = createRestClient(baseUrl);
    const { jobId } = await client.submit({ city: 'Seattle', date: '2025-11-08' });
    const location = `${baseUrl}/jobs/${jobId}`;

    // The client shares 127.0.0.1 with these polls, so its first poll is over the budget.
    for (let poll = 0; poll < POLL_BURST; poll += 1) {
      expect((await fetch(location)).status).toBe(202);
    }
    expect((await fetch(location)).status).toBe(429);
    await testApp.runner.start();

    const retries: JobtokenRequestError[] = [];
    const result = await client.pollUntilDone(jobId, {
      onRetry: (error) => retries.push(error),
    });
    expect(result.status).toBe('completed');
    expect(retries.map((error) => error.status)).toContain(429);
    expect(retries[0]?.retryAfterMs).toBeGreaterThanOrEqual(1000);
  });
});
