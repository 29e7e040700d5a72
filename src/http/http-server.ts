import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemResponse } from '../rest/problem.js';
import type { App } from './create-app.js';

/**
 * `uri-host [ ":" port ]` of RFC 9110 section 7.2: a bracketed IPv6 literal or a name without
 * the characters that end or split an authority, then an optional port.
 */
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@\\[\]:]+)(?::\d{0,5})?$/;

/**
 * Reports whether a `Host` header value is a host with an optional port. An empty value is
 * valid, as RFC 9112 section 3.2 allows it for targets without an authority.
 */
export function isValidHostHeader(host: string): boolean {
  if (host === '') return true;
  return HOST_HEADER.test(host) && URL.canParse(`http://${host}/`);
}

/**
 * Returns a node request listener for the app. A `Host` header that is not a host with an
 * optional port gets a 400 response here, because the fetch adapter builds the request URL from
 * it: a value such as `example.com/x` would move the path, and others fail to parse.
 * Repeated polls of finished jobs are served from the app's cache without entering yoga.
 */
export function requestListener(app: App) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const host = request.headers.host;
    if (host !== undefined && !isValidHostHeader(host)) {
      void sendProblem(
        response,
        problemResponse('malformed_request', 'The Host header is invalid.'),
      );
      return;
    }
    if (app.finishedPolls.serve(request, response)) return;
    void app(request, response);
  };
}

async function sendProblem(response: ServerResponse, problem: Response): Promise<void> {
  response.writeHead(problem.status, problem.statusText, Object.fromEntries(problem.headers));
  response.end(await problem.text());
}

/** Serves the app on a port; resolves once listening, with the address actually bound. */
export async function listen(
  app: App,
  port: number,
  host: string,
): Promise<{ server: Server; address: AddressInfo }> {
  const server = createServer(requestListener(app));
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
