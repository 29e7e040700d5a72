import { isErrorCode } from '../errors/error-codes.js';
import {
  isRecord,
  jobIdFromLocation,
  readJsonBody,
  sendRequest,
  stringOrNull,
  withTrailingSlash,
} from './http-request.js';
import type {
  CancelledJob,
  CompletedJob,
  FailedJob,
  ForecastInput,
  JobState,
  SubmittedJob,
  UnfinishedJob,
  WeatherForecast,
} from './job-state.js';
import type { JobRead, JobTransport } from './job-transport.js';
import {
  type ClientOptions,
  createJobtokenClient,
  type JobtokenClient,
} from './jobtoken-client.js';
import { JobtokenRequestError, type RequestErrorCode } from './request-error.js';
import { parseRetryAfter } from './retry-after.js';

const JOB_FAILED_TYPE = 'urn:jobtoken:problem:job-failed';
const JOB_CANCELLED_TYPE = 'urn:jobtoken:problem:job-cancelled';

const UNFINISHED_STATUS = {
  Pending: 'pending',
  Running: 'running',
  Cancelling: 'cancelling',
} as const satisfies Record<string, UnfinishedJob['status']>;

/** Creates a client that uses the REST adapter (`/jobs`) of the server at `baseUrl`. */
export function createRestClient(
  baseUrl: string | URL,
  options: ClientOptions = {},
): JobtokenClient {
  return createJobtokenClient(new RestTransport(baseUrl, options.headers ?? {}), options);
}

class RestTransport implements JobTransport {
  readonly name = 'rest';
  readonly #baseUrl: URL;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string | URL, headers: Record<string, string>) {
    this.#baseUrl = withTrailingSlash(baseUrl);
    this.#headers = headers;
  }

  async submit(
    input: ForecastInput,
    idempotencyKey: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SubmittedJob> {
    const headers: Record<string, string> = {
      ...this.#headers,
      'content-type': 'application/json',
    };
    if (idempotencyKey !== undefined) headers['idempotency-key'] = structuredString(idempotencyKey);
    const url = new URL('jobs', this.#baseUrl);
    const response = await sendRequest(
      url,
      { method: 'POST', headers, body: JSON.stringify(input) },
      signal,
    );
    const body = await readJsonBody(response, signal);
    if (response.status !== 202) throw requestError(response, body);
    if (!isRecord(body) || typeof body.jobId !== 'string') throw invalidResponse(response);
    const jobUrl = new URL(`jobs/${encodeURIComponent(body.jobId)}`, this.#baseUrl);
    return { jobId: body.jobId, location: response.headers.get('location') ?? jobUrl.href };
  }

  async read(target: string, signal: AbortSignal | undefined): Promise<JobRead> {
    const response = await sendRequest(this.#jobUrl(target), this.#init('GET'), signal);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const body = await readJsonBody(response, signal);
    if (!isRecord(body)) throw requestError(response, body);
    if (response.status === 200) return { state: completedJob(body, response), retryAfterMs };
    if (response.status === 202) return { state: unfinishedJob(body, response), retryAfterMs };
    const finished = finishedJobFromProblem(body);
    if (finished) return { state: finished, retryAfterMs };
    throw requestError(response, body);
  }

  async cancel(target: string, signal: AbortSignal | undefined): Promise<JobState> {
    const response = await sendRequest(this.#jobUrl(target), this.#init('DELETE'), signal);
    const body = await readJsonBody(response, signal);
    if (!isRecord(body)) throw requestError(response, body);
    if (response.status === 202) return unfinishedJob(body, response);
    if (response.status !== 200) throw requestError(response, body);
    if (body.status !== 'Cancelled' || typeof body.jobId !== 'string') {
      throw invalidResponse(response);
    }
    return { jobId: body.jobId, status: 'cancelled', finishedAt: stringOrNull(body.finishedAt) };
  }

  #init(method: string): RequestInit {
    return { method, headers: { ...this.#headers, accept: 'application/json' } };
  }

  /** Uses an absolute job URL as given, so a `Location` behind a proxy keeps working. */
  #jobUrl(target: string): URL {
    if (jobIdFromLocation(target) !== undefined) return new URL(target);
    return new URL(`jobs/${encodeURIComponent(target)}`, this.#baseUrl);
  }
}

function completedJob(body: Record<string, unknown>, response: Response): CompletedJob {
  if (typeof body.jobId !== 'string' || !isRecord(body.data)) throw invalidResponse(response);
  return {
    jobId: body.jobId,
    status: 'completed',
    data: body.data as unknown as WeatherForecast,
    finishedAt: stringOrNull(body.finishedAt),
  };
}

function unfinishedJob(body: Record<string, unknown>, response: Response): UnfinishedJob {
  const status = UNFINISHED_STATUS[body.status as keyof typeof UNFINISHED_STATUS];
  if (typeof body.jobId !== 'string' || status === undefined || !isRecord(body.progress)) {
    throw invalidResponse(response);
  }
  return {
    jobId: body.jobId,
    status,
    progress: {
      percent: Number(body.progress.percent ?? 0),
      message: stringOrNull(body.progress.message),
    },
    attempt: Number(body.attempt ?? 0),
    maxAttempts: Number(body.maxAttempts ?? 1),
    nextAttemptAt: stringOrNull(body.nextAttemptAt),
    lastAttemptError: isRecord(body.lastAttemptError)
      ? {
          code: String(body.lastAttemptError.code),
          message: String(body.lastAttemptError.message),
          retryable: body.lastAttemptError.retryable === true,
        }
      : null,
  };
}

/** Reads the problem of a failed or cancelled job; other problems describe the request. */
function finishedJobFromProblem(body: Record<string, unknown>): FailedJob | CancelledJob | null {
  if (typeof body.jobId !== 'string') return null;
  const finishedAt = stringOrNull(body.finishedAt);
  if (body.type === JOB_CANCELLED_TYPE) {
    return { jobId: body.jobId, status: 'cancelled', finishedAt };
  }
  if (body.type !== JOB_FAILED_TYPE) return null;
  return {
    jobId: body.jobId,
    status: 'failed',
    code: String(body.code),
    message: String(body.detail ?? body.title ?? 'The job failed.'),
    retryable: body.retryable === true,
    finishedAt,
  };
}

/** Turns an error response, a problem document or not, into a JobtokenRequestError. */
function requestError(response: Response, body: unknown): JobtokenRequestError {
  const problem = isRecord(body) ? body : {};
  const code: RequestErrorCode = isErrorCode(problem.code) ? problem.code : 'invalid_response';
  const detail = typeof problem.detail === 'string' ? problem.detail : undefined;
  const message =
    detail ?? `${response.url} returned HTTP ${response.status} ${response.statusText}`.trim();
  return new JobtokenRequestError(message, {
    code,
    status: response.status,
    field: typeof problem.field === 'string' ? problem.field : null,
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    body,
  });
}

function invalidResponse(response: Response): JobtokenRequestError {
  return new JobtokenRequestError(
    `${response.url} returned HTTP ${response.status} with a body that is not a jobtoken job`,
    { code: 'invalid_response', status: response.status },
  );
}

/** Quotes an idempotency key as a structured field string (RFC 8941, section 3.3.3). */
function structuredString(key: string): string {
  return `"${key.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}
