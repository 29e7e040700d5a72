import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './create-app.js';

/** Serves the app on a port; resolves once listening, with the address actually bound. */
export async function listen(
  app: App,
  port: number,
  host: string,
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, address: server.address() as AddressInfo };
}

/** Stops accepting connections and closes idle ones; open requests may finish. */
export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await closed;
}
