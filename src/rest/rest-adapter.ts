import type { Plugin } from 'graphql-yoga';
import { isJobId } from '../job/job-id.js';
import { isTerminalStatus } from '../job/job-status.js';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import { idempotencyKeyProblem, parseIdempotencyKeyHeader } from '../submit/idempotency.js';
import type { FinishedPollCache } from './finished-poll-cache.js';
import { callGraphQL, type ExecuteGraphQL, toRestError } from './graphql-call.js';
import {
  jsonResponse,
  pollResponse,
  progressBody,
  restStatus,
  retryAfterSeconds,
} from './job-representation.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { clientIdentity, POLL_BURST, type PollRateLimiter } from './poll-rate-limiter.js';
import { problemResponse } from './problem.js';
import { readJsonObject } from './read-json-body.js';
import {
  CANCEL_JOB_DOCUMENT,
  GET_JOB_DOCUMENT,
  type GraphQLErrorResult,
  type GraphQLJob,
  SUBMIT_FORECAST_DOCUMENT,
} from './rest-documents.js';

export interface RestAdapterOptions {
  kinds: KindRegistry;
  logger: Logger;
  /** Base of absolute `Location` URLs; null to use the request's own origin. */
  publicUrl: URL | null;
  /** Runs GraphQL parameters through the same yoga instance. */
  executeGraphQL: ExecuteGraphQL;
  /** Cap of `Prefer: wait`, in seconds. */
  maxWaitSeconds: number;
  /** Budgets `GET /jobs/{id}` polls per client and job. */
  pollRateLimiter: PollRateLimiter;
  /** Cache of the poll responses of finished jobs, which serves their later polls directly. */
  finishedPolls: FinishedPollCache;
}

type ResultData = { result: (GraphQLJob | GraphQLErrorResult) | null };

const JOB_PATH = /^\/jobs\/([^/]+)$/;
/** Path of the GraphQL endpoint and GraphiQL, which yoga serves. */
const GRAPHQL_PATH = '/graphql';

/** Characters of a client's value (a job id, a path, a header) that a problem detail repeats. */
const MAX_SHOWN_VALUE_LENGTH = 64;

/**
 * Serves the REST routes (`/jobs`, `/jobs/{id}`, `/openapi.json`) from inside yoga. Each route
 * runs a fixed GraphQL document and maps its result to HTTP semantics; other paths fall through
 * to yoga.
 */
export function useRestAdapter(options: RestAdapterOptions): Plugin {
  const log = options.logger.child({ component: 'rest' });
  const routes = new RestRoutes(options);
  const serve = async (
    handler: Handler,
    request: Request,
    path: string,
    serverContext: unknown,
    endResponse: (response: Response) => void,
  ): Promise<void> => {
    try {
      endResponse(await handler(request, serverContext));
    } catch (error) {
      if (request.signal.aborted) {
        // The client closed the connection, as long-poll clients may, so no response is needed.
        log.debug({ method: request.method, path }, 'client closed the request');
      } else {
        log.error({ err: error, method: request.method, path }, 'REST request failed');
      }
      endResponse(problemResponse('internal', 'Unexpected error.'));
    }
  };
  return {
    // Synchronous for the GraphQL path, so that yoga does not wait for a promise per request.
    onRequest({ request, url, endResponse, serverContext }) {
      const handler = routes.match(request.method, url.pathname);
      if (!handler) return undefined;
      return serve(handler, request, url.pathname, serverContext, endResponse);
    },
    // yoga's CORS headers replace `Vary` with `Origin` on requests that carry one, so a poll
    // response gets `Prefer` back. This hook runs after the CORS one, which yoga adds first.
    onResponse({ request, response }) {
      if (!request.headers.has('origin') || !isPollResponse(request, response)) return;
      const vary = response.headers.get('vary');
      if (vary !== null && !/(^|,)\s*prefer\s*(,|$)/i.test(vary)) {
        response.headers.set('vary', `Prefer, ${vary}`);
      }
    },
  };
}

/** A route's handler; `serverContext` is yoga's, with the node request when served by node:http. */
type Handler = (request: Request, serverContext: unknown) => Promise<Response>;

class RestRoutes {
  readonly #options: RestAdapterOptions;

  constructor(options: RestAdapterOptions) {
    this.#options = options;
  }

  /** Returns the handler for a REST path, a 405 or 404 handler, or undefined for other paths. */
  match(method: string, pathname: string): Handler | undefined {
    if (pathname === '/health') {
      return method === 'GET' || method === 'HEAD'
        ? async () => new Response(null, { status: 200 })
        : notAllowed('GET, HEAD');
    }
    if (pathname === '/openapi.json') {
      return method === 'GET' ? async () => jsonResponse(200, OPENAPI_DOCUMENT) : notAllowed('GET');
    }
    if (pathname === '/jobs' || pathname === '/jobs/') {
      return method === 'POST' ? (request) => this.#submit(request) : notAllowed('POST');
    }
    const id = JOB_PATH.exec(pathname)?.[1];
    if (id !== undefined) {
      const decoded = safeDecode(id);
      if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
        return notAllowed('GET, HEAD, DELETE');
      }
      if (!isJobId(decoded)) return async () => invalidJobId(decoded);
      if (method === 'DELETE') return (request) => this.#cancel(decoded, request);
      const poll: Handler = (request, serverContext) =>
        this.#get(decoded, request, clientIdentity(request, serverContext));
      // HEAD returns the status and headers of GET without the body.
      if (method === 'HEAD')
        return async (request, context) => withoutBody(await poll(request, context));
      return poll;
    }
    // yoga serves GraphQL and GraphiQL.
    if (pathname === GRAPHQL_PATH) return undefined;
    return async () =>
      problemResponse(
        'not_found',
        `No route matches ${truncate(pathname, MAX_SHOWN_VALUE_LENGTH)}.`,
      );
  }

  async #submit(request: Request): Promise<Response> {
    const key = readIdempotencyKey(request);
    if (!key.ok) return key.response;
    const body = await readJsonObject(request);
    if (!body.ok) return body.response;
    const { data, errors } = await callGraphQL<ResultData>(
      this.#options.executeGraphQL,
      SUBMIT_FORECAST_DOCUMENT,
      { input: body.value, idempotencyKey: key.value },
      request,
    );
    const failure = errorResponse(errors, data);
    if (failure) return failure;
    const job = data?.result as GraphQLJob;
    return jsonResponse(
      202,
      { jobId: job.id, status: restStatus(job) },
      {
        location: this.#location(request, job.id),
        'retry-after': String(this.#retryAfter(job)),
      },
    );
  }

  /**
   * Returns the poll response of a job. With `Prefer: wait=N` it first waits until the job
   * changes or N seconds pass. The server paces such a poll, so it does not count against the
   * poll budget.
   */
  async #get(id: string, request: Request, client: string): Promise<Response> {
    const requested = preferredWaitSeconds(request.headers.get('prefer'));
    const wait = requested === null ? null : Math.min(requested, this.#options.maxWaitSeconds);
    const limiter = this.#options.pollRateLimiter;
    const waitSeconds = wait ? null : limiter.admit(client, id);
    if (waitSeconds !== null) {
      return problemResponse(
        'rate_limited',
        `Job "${id}" was polled more than ${POLL_BURST} times within one Retry-After window. ` +
          `Poll again in ${waitSeconds} s.`,
        {},
        { 'retry-after': String(waitSeconds) },
      );
    }

    const { data, errors } = await callGraphQL<ResultData>(
      this.#options.executeGraphQL,
      GET_JOB_DOCUMENT,
      { id, wait },
      request,
    );
    const failure = errorResponse(errors, data);
    if (failure) return failure;
    const job = data?.result as GraphQLJob | null;
    if (!job)
      return problemResponse('not_found', `No job with id "${id}" exists, or it has expired.`);
    const retryAfter = this.#retryAfter(job);
    let response = pollResponse(job, retryAfter);
    if (response.status === 202) limiter.recordRetryAfter(client, id, retryAfter);
    response.headers.set('vary', 'Prefer');
    // A finished job's poll response does not change until the job expires. Polls that the
    // cache does not serve (with Prefer or Origin) find it cached and skip the copy.
    const finishedPolls = this.#options.finishedPolls;
    if (isTerminalStatus(restStatus(job)) && !finishedPolls.has(job.id)) {
      response = await this.#rememberFinished(job, response);
    }
    if (wait !== null) response.headers.set('preference-applied', `wait=${wait}`);
    return response;
  }

  /** Hands the response of a finished job to the cache and returns an unread copy of it. */
  async #rememberFinished(job: GraphQLJob, response: Response): Promise<Response> {
    const body = await response.text();
    const { status, statusText } = response;
    const headers = Object.fromEntries(response.headers);
    this.#options.finishedPolls.remember(job.id, {
      status,
      statusText,
      headers,
      body,
      expiresAt: job.expiresAt === null ? null : Date.parse(job.expiresAt),
    });
    return new Response(body, { status, statusText, headers });
  }

  async #cancel(id: string, request: Request): Promise<Response> {
    const { data, errors } = await callGraphQL<ResultData>(
      this.#options.executeGraphQL,
      CANCEL_JOB_DOCUMENT,
      { id },
      request,
    );
    const failure = errorResponse(errors, data);
    if (failure) return failure;
    const job = data?.result as GraphQLJob;
    if (job.status === 'CANCELLING') {
      return jsonResponse(202, progressBody(job), { 'retry-after': String(this.#retryAfter(job)) });
    }
    return jsonResponse(200, {
      jobId: job.id,
      status: restStatus(job),
      finishedAt: job.finishedAt,
    });
  }

  #location(request: Request, id: string): string {
    const base = this.#options.publicUrl ?? new URL('/', request.url);
    const baseWithSlash = base.href.endsWith('/') ? base.href : `${base.href}/`;
    return new URL(`jobs/${encodeURIComponent(id)}`, baseWithSlash).href;
  }

  #retryAfter(job: GraphQLJob): number {
    const kind = this.#options.kinds.get(job.kind);
    const nextAttemptInMs = job.nextAttemptAt ? Date.parse(job.nextAttemptAt) - Date.now() : 0;
    return retryAfterSeconds(kind?.pollIntervalMs ?? 1000, nextAttemptInMs);
  }
}

/** Turns top-level GraphQL errors or a typed error result into a problem response. */
function errorResponse(
  errors: { message: string; extensions?: Record<string, unknown> }[],
  data: ResultData | null,
): Response | undefined {
  const first = errors[0];
  if (first) {
    const error = toRestError(first);
    return problemResponse(error.code, error.message, error.field ? { field: error.field } : {});
  }
  const result = data?.result;
  if (result && 'message' in result && 'code' in result) {
    const restError = toRestError({ message: result.message, extensions: { code: result.code } });
    return problemResponse(restError.code, result.message, {
      ...(result.field ? { field: result.field } : {}),
      ...(result.issues ? { issues: result.issues } : {}),
    });
  }
  return undefined;
}

/**
 * Reads the `wait` preference (RFC 7240) in seconds from a `Prefer` header, or null when there
 * is none. Preferences the server does not understand are ignored, as RFC 7240 requires.
 */
export function preferredWaitSeconds(prefer: string | null): number | null {
  if (!prefer) return null;
  for (const preference of prefer.split(',')) {
    const [name, value] = (preference.split(';')[0] ?? '').split('=').map((part) => part.trim());
    if (name?.toLowerCase() !== 'wait' || value === undefined) continue;
    const unquoted = value.replace(/^"(.*)"$/, '$1');
    if (/^\d{1,9}$/.test(unquoted)) return Number(unquoted);
  }
  return null;
}

/** Reads and checks the optional `Idempotency-Key` header of a submit. */
function readIdempotencyKey(
  request: Request,
): { ok: true; value: string | null } | { ok: false; response: Response } {
  const header = request.headers.get('idempotency-key');
  if (header === null) return { ok: true, value: null };
  const key = parseIdempotencyKeyHeader(header);
  const problem =
    key === null
      ? 'is not a structured field string such as "order-1234"'
      : idempotencyKeyProblem(key);
  if (!problem) return { ok: true, value: key };
  const quotedHeader = truncate(header, MAX_SHOWN_VALUE_LENGTH);
  return {
    ok: false,
    response: problemResponse(
      'invalid_input',
      `The Idempotency-Key header ${quotedHeader} is invalid: it ${problem}.`,
      { field: 'Idempotency-Key' },
    ),
  };
}

function withoutBody(response: Response): Response {
  return new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Reports whether a response is for `GET` or `HEAD` of `/jobs/{id}`, which varies on Prefer. */
function isPollResponse(request: Request, response: Response): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (!response.headers.has('vary')) return false;
  return JOB_PATH.test(new URL(request.url).pathname);
}

function notAllowed(allow: string): Handler {
  return async (request) =>
    problemResponse(
      'method_not_allowed',
      `${request.method} is not allowed here. Allowed: ${allow}.`,
      {},
      { allow },
    );
}

/** Quotes a client's value for a message, cut to `maxLength` characters with its full length. */
function truncate(value: string, maxLength: number): string {
  const characters = Array.from(value);
  if (characters.length <= maxLength) return JSON.stringify(value);
  const start = characters.slice(0, maxLength).join('');
  return `${JSON.stringify(start)}… (${characters.length} characters)`;
}

/** Rejects a path id that is not a job id, so that it never reaches GraphQL or a store. */
function invalidJobId(id: string): Response {
  const quotedId = truncate(id, MAX_SHOWN_VALUE_LENGTH);
  return problemResponse(
    'invalid_input',
    `Invalid job id ${quotedId}: expected the jobId that POST /jobs returned, a lowercase UUID.`,
    { field: 'id' },
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
