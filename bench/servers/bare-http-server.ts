/**
 * Baseline for REST polls: `node:http` responding to every request with one JSON body kept in
 * memory, with the same status and content type as a jobtoken poll of a finished job.
 * Argument: the body to send.
 */
import { createServer } from 'node:http';
import { listenAndAnnounce } from './listen-and-announce.js';

const body = Buffer.from(process.argv[2] ?? '{}');

const server = createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    'cache-control': 'no-store',
  });
  response.end(body);
});
listenAndAnnounce(server);
