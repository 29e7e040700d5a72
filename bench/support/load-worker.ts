/**
 * Load generator that runs in its own process, so that it does not share an event loop with the
 * server it measures. Reads one JSON `LoadRequest` argument and prints one JSON `LoadResult`.
 *
 * - `autocannon` mode measures throughput with autocannon.
 * - `probe` mode runs closed-loop keep-alive clients that time each response with
 *   `process.hrtime`, because autocannon's latency histogram counts whole milliseconds.
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadRequest {
  mode: 'autocannon' | 'probe';
  /** Origin such as `http://127.0.0.1:4000`. */
  origin: string;
  method: 'GET' | 'POST';
  /** Paths to request; each request takes the next one in turn. */
  paths: string[];
  /** File with more paths, one a line, for lists too long for a command-line argument. */
  pathsFile?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Latency percentiles in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx, and socket errors or timeouts. */
  non2xx: number;
  errors: number;
}

async function runAutocannon(load: LoadRequest): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: load.origin,
    connections: load.connections,
    duration: load.durationSeconds,
    requests: [
      {
        method: load.method,
        headers: load.headers ?? {},
        ...(load.body === undefined ? {} : { body: load.body }),
        setupRequest: (request) => {
          request.path = load.paths[next % load.paths.length] as string;
          next += 1;
          return request;
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function runProbe(load: LoadRequest): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: load.connections });
  const latenciesMs: number[] = [];
  let next = 0;
  let non2xx = 0;
  let errors = 0;
  const deadline = performance.now() + load.durationSeconds * 1000;

  const once = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        `${load.origin}${path}`,
        { method: load.method, agent, headers: load.headers ?? {} },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(load.body);
    });

  const client = async () => {
    while (performance.now() < deadline) {
      const path = load.paths[next % load.paths.length] as string;
      next += 1;
      const started = process.hrtime.bigint();
      try {
        const status = await once(path);
        if (status < 200 || status > 299) non2xx += 1;
        latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch {
        errors += 1;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: load.connections }, client));
  const elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (latenciesMs.length === 0) throw new Error(`no response from ${load.origin} in the probe`);
  return {
    requestsPerSecond: latenciesMs.length / elapsedSeconds,
    requests: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    non2xx,
    errors,
  };
}

const load = JSON.parse(process.argv[2] ?? '') as LoadRequest;
if (load.pathsFile) {
  const lines = readFileSync(load.pathsFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  load.paths = [...load.paths, ...lines];
}
const result = await (load.mode === 'autocannon' ? runAutocannon(load) : runProbe(load));
process.stdout.write(`${JSON.stringify({ loadResult: result })}\n`);
