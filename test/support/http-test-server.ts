import { listen } from '../../src/http/http-server.js';
import { createTestApp, type TestAppOptions } from './test-app.js';

/**
 * Starts the real application with its runner on a fresh SQLite file and serves it over real
 * HTTP on 127.0.0.1 and a free port. Call `close` after each test.
 */
export async function startTestServer(options: TestAppOptions = {}) {
  const testApp = await createTestApp(options);
  const { server, address } = await listen(testApp.app, 0, '127.0.0.1');
  return {
    ...testApp,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Clients under test may keep connections alive; waiting for them would stall the test.
      server.closeAllConnections();
      await closed;
      await testApp.close();
    },
  };
}

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;
