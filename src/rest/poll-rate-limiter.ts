import type { IncomingMessage } from 'node:http';
import { LRUCache } from 'lru-cache';
import { credentialsHash } from '../http/credentials.js';
import { MAX_RETRY_AFTER_SECONDS, MIN_RETRY_AFTER_SECONDS } from './job-representation.js';

/** Polls of one job by one client allowed within one Retry-After window. */
export const POLL_BURST = 3;

/**
 * (client, job) pairs whose poll window is tracked. When more pairs are active, the least
 * recently polled ones are forgotten and their next poll is allowed.
 */
export const POLL_LIMITER_MAX_ENTRIES = 10_000;

/** Client identity of requests that arrive without a socket, such as in-process `app.fetch`. */
export const IN_PROCESS_CLIENT = 'in-process';

interface PollWindow {
  /** Epoch milliseconds at which the window ends. */
  endsAt: number;
  polls: number;
}

/**
 * Budgets polls of unfinished jobs per (client, job id). A 202 poll response opens a window as
 * long as the Retry-After it sent. Within the window the client may poll POLL_BURST times in
 * all, and further polls are rejected until the window ends.
 */
export class PollRateLimiter {
  readonly #windows = new LRUCache<string, PollWindow>({ max: POLL_LIMITER_MAX_ENTRIES });
  readonly #now: () => number;

  /** @param now clock in epoch milliseconds. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Admits one poll and counts it against the open window. Returns null when the poll is
   * allowed, or the whole seconds to wait (1 to 600) when the window's budget is used up.
   */
  admit(client: string, jobId: string): number | null {
    const now = this.#now();
    const window = this.#windows.get(windowKey(client, jobId));
    if (!window || now >= window.endsAt) return null;
    if (window.polls < POLL_BURST) {
      window.polls += 1;
      return null;
    }
    const seconds = Math.ceil((window.endsAt - now) / 1000);
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_RETRY_AFTER_SECONDS, seconds));
  }

  /** Opens a window after a 202 poll response, unless one is still open for this pair. */
  recordRetryAfter(client: string, jobId: string, retryAfterSeconds: number): void {
    const key = windowKey(client, jobId);
    const now = this.#now();
    const window = this.#windows.get(key);
    if (window && now < window.endsAt) return;
    this.#windows.set(key, { endsAt: now + retryAfterSeconds * 1000, polls: 1 });
  }
}

function windowKey(client: string, jobId: string): string {
  return `${client}\n${jobId}`;
}

/**
 * Identifies the client of a request: a SHA-256 hash of its Authorization header when it has
 * one, else the remote address of its socket, else IN_PROCESS_CLIENT. jobtoken does not check
 * credentials, so the header only separates well-behaved clients, and a client can change it
 * to get a new budget.
 * NOTE: behind a reverse proxy, clients without Authorization share the proxy's address. Their
 * budgets are still per job, so this only matters when several clients poll the same job.
 */
export function clientIdentity(request: Request, serverContext: unknown): string {
  const node = nodeRequestOf(serverContext);
  if (node) return nodeClientIdentity(node);
  const hash = credentialsHash(request.headers.get('authorization'));
  return hash === null ? IN_PROCESS_CLIENT : `authorization:${hash}`;
}

/** Identifies the client of a request that `node:http` serves, as `clientIdentity` does. */
export function nodeClientIdentity(request: IncomingMessage): string {
  const hash = credentialsHash(request.headers.authorization);
  if (hash !== null) return `authorization:${hash}`;
  const address = request.socket.remoteAddress;
  return address ? `address:${address}` : IN_PROCESS_CLIENT;
}

/** Returns the node request that src/http/http-server.ts passes to yoga as server context. */
function nodeRequestOf(serverContext: unknown): IncomingMessage | undefined {
  if (typeof serverContext !== 'object' || serverContext === null) return undefined;
  const request = (serverContext as { req?: unknown }).req;
  return typeof request === 'object' && request !== null && 'socket' in request
    ? (request as IncomingMessage)
    : undefined;
}
