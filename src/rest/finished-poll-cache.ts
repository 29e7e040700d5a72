import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import { isJobId } from '../job/job-id.js';
import { nodeClientIdentity, type PollRateLimiter } from './poll-rate-limiter.js';

/** Maximum number of poll responses of finished jobs in the cache. */
export const FINISHED_POLL_CACHE_MAX_ENTRIES = 10_000;
/** Maximum total size of cached responses in bytes. A larger response is not cached. */
export const FINISHED_POLL_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/**
 * Estimated memory of one entry beyond its body, in bytes: the header map and the cache's
 * bookkeeping. An estimate, so that the byte limit bounds many small entries too.
 */
const ENTRY_OVERHEAD_BYTES = 1024;

/** Poll response of a finished job, as the REST adapter sent it. */
export interface FinishedPoll {
  status: number;
  statusText: string;
  /** Header names in lowercase. */
  headers: Record<string, string>;
  body: string;
  /** Epoch milliseconds after which the job may be deleted, or null when it is kept forever. */
  expiresAt: number | null;
}

/** Finished poll ready to write: headers sorted by name, as yoga writes them, with the length. */
type PreparedPoll = Omit<FinishedPoll, 'body'> & { body: Buffer };

const JOB_PATH = /^\/jobs\/([0-9a-f-]{36})$/;

/**
 * Cache of the exact poll responses of finished jobs, which serves repeated polls from
 * `node:http` before yoga builds a fetch request. A finished job does not change until it
 * expires, so its response is the same bytes on every poll. The REST adapter stores a response
 * the first time it sends one. Only plain polls are served here: GET or HEAD of `/jobs/{id}`
 * without `Prefer` (whose response adds `Preference-Applied`) or `Origin` (whose response adds
 * CORS headers). Other requests and cache misses go through the REST adapter.
 */
export class FinishedPollCache {
  readonly #polls = new LRUCache<string, PreparedPoll>({
    max: FINISHED_POLL_CACHE_MAX_ENTRIES,
    maxSize: FINISHED_POLL_CACHE_MAX_BYTES,
    sizeCalculation: (poll) => ENTRY_OVERHEAD_BYTES + poll.body.length,
  });
  readonly #limiter: PollRateLimiter;
  readonly #now: () => number;
  /** Number of polls served from the cache since creation, for tests and diagnostics. */
  hits = 0;

  /**
   * @param limiter the REST adapter's poll budget. Polls served from the cache count against it.
   * @param now clock in epoch milliseconds.
   */
  constructor(limiter: PollRateLimiter, now: () => number = Date.now) {
    this.#limiter = limiter;
    this.#now = now;
  }

  /** Reports whether the poll response of a job is cached. */
  has(jobId: string): boolean {
    return this.#polls.has(jobId);
  }

  /** Stores the response of a finished job, unless the job has already expired. */
  remember(jobId: string, poll: FinishedPoll): void {
    if (poll.expiresAt !== null && poll.expiresAt <= this.#now()) return;
    const body = Buffer.from(poll.body);
    const headers = Object.entries({ ...poll.headers, 'content-length': String(body.length) });
    headers.sort(([left], [right]) => (left < right ? -1 : 1));
    this.#polls.set(jobId, { ...poll, headers: Object.fromEntries(headers), body });
  }

  /**
   * Serves a plain poll of a finished job from the cache. Returns false without writing when
   * the request is not such a poll, the job is not cached, or the client's poll budget is used
   * up, so that the REST adapter handles it (with a 429 in the last case).
   */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const { method, headers } = request;
    if (method !== 'GET' && method !== 'HEAD') return false;
    if (headers.prefer !== undefined || headers.origin !== undefined) return false;
    const jobId = jobIdOfPath(request.url);
    if (jobId === undefined) return false;
    const poll = this.#fresh(jobId);
    if (!poll) return false;
    if (this.#limiter.admit(nodeClientIdentity(request), jobId) !== null) return false;

    this.hits += 1;
    response.writeHead(poll.status, poll.statusText, poll.headers);
    response.end(method === 'HEAD' ? undefined : poll.body);
    return true;
  }

  #fresh(jobId: string): PreparedPoll | undefined {
    const poll = this.#polls.get(jobId);
    if (poll?.expiresAt != null && poll.expiresAt <= this.#now()) {
      this.#polls.delete(jobId);
      return undefined;
    }
    return poll;
  }
}

/** Returns the job id of a `/jobs/{id}` request target, ignoring its query. */
function jobIdOfPath(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const id = JOB_PATH.exec(path)?.[1];
  return id !== undefined && isJobId(id) ? id : undefined;
}
