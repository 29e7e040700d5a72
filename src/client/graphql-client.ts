import { errorCodeFromGraphqlCode } from '../errors/error-codes.js';
import { isJobId } from '../job/job-id-shape.js';
import {
  CANCEL_DOCUMENT,
  GET_JOB_DOCUMENT,
  type GraphQLErrorResult,
  type GraphQLJob,
  type GraphQLResult,
  isGraphQLJob,
  SUBMIT_DOCUMENT,
} from './graphql-documents.js';
import {
  isRecord,
  jobIdFromLocation,
  readJsonBody,
  sendRequest,
  withTrailingSlash,
} from './http-request.js';
import type { ForecastInput, JobState, SubmittedJob, WeatherForecast } from './job-state.js';
import type { JobRead, JobTransport } from './job-transport.js';
import {
  type ClientOptions,
  createJobtokenClient,
  type JobtokenClient,
} from './jobtoken-client.js';
import { JobtokenRequestError, type RequestErrorCode } from './request-error.js';
import { parseRetryAfter } from './retry-after.js';

/** GraphQL-over-HTTP media type first; plain JSON for servers that do not speak it. */
const GRAPHQL_ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

const UNFINISHED_STATUS = {
  PENDING: 'pending',
  RUNNING: 'running',
  CANCELLING: 'cancelling',
} as const;

interface GraphQLResponseError {
  message: string;
  extensions?: { code?: unknown; field?: unknown };
}

/** Creates a client that uses the GraphQL API at `{baseUrl}/graphql`. */
export function createGraphQLClient(
  baseUrl: string | URL,
  options: ClientOptions = {},
): JobtokenClient {
  const endpoint = new URL('graphql', withTrailingSlash(baseUrl));
  return createJobtokenClient(new GraphQLTransport(endpoint, options.headers ?? {}), options);
}

class GraphQLTransport implements JobTransport {
  readonly name = 'graphql';
  readonly #endpoint: URL;
  readonly #headers: Record<string, string>;

  constructor(endpoint: URL, headers: Record<string, string>) {
    this.#endpoint = endpoint;
    this.#headers = headers;
  }

  async submit(
    input: ForecastInput,
    idempotencyKey: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SubmittedJob> {
    const result = await this.#execute(SUBMIT_DOCUMENT, { input, idempotencyKey }, signal);
    if (!result) throw new JobtokenRequestError('The submit returned no job', { code: 'internal' });
    if (!isGraphQLJob(result)) throw typedError(result);
    return { jobId: result.id, location: null };
  }

  async read(target: string, signal: AbortSignal | undefined): Promise<JobRead> {
    const id = checkedJobId(target);
    const result = await this.#execute(GET_JOB_DOCUMENT, { id }, signal);
    if (!result) {
      throw new JobtokenRequestError(`No job with id "${id}" exists, or it has expired.`, {
        code: 'not_found',
      });
    }
    if (!isGraphQLJob(result)) throw typedError(result);
    return { state: jobState(result), retryAfterMs: untilNextAttemptMs(result) };
  }

  async cancel(target: string, signal: AbortSignal | undefined): Promise<JobState> {
    const id = checkedJobId(target);
    const result = await this.#execute(CANCEL_DOCUMENT, { id }, signal);
    if (!result) throw new JobtokenRequestError('The cancel returned no job', { code: 'internal' });
    if (!isGraphQLJob(result)) throw typedError(result);
    return jobState(result);
  }

  /** Sends one operation and returns its `result` field, or raises its first error. */
  async #execute(
    document: string,
    variables: Record<string, unknown>,
    signal: AbortSignal | undefined,
  ): Promise<GraphQLResult | null> {
    const response = await sendRequest(
      this.#endpoint,
      {
        method: 'POST',
        headers: { ...this.#headers, 'content-type': 'application/json', accept: GRAPHQL_ACCEPT },
        body: JSON.stringify({ query: document, variables }),
      },
      signal,
    );
    const body = await readJsonBody(response, signal);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors : [];
    const first = errors[0] as GraphQLResponseError | undefined;
    if (first) throw responseError(first, response, retryAfterMs, body);

    const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
    if (!response.ok || !data || !('result' in data)) {
      throw new JobtokenRequestError(
        `${this.#endpoint.href} returned HTTP ${response.status} without a GraphQL result`,
        { code: 'invalid_response', status: response.status, retryAfterMs, body },
      );
    }
    return data.result as GraphQLResult | null;
  }
}

/**
 * Returns the job id of a target (an id or a job URL), or raises the `invalid_input` error that
 * the REST adapter sends for a malformed id. GraphQL returns null for such an id, which would
 * read as an unknown job.
 */
function checkedJobId(target: string): string {
  const id = jobIdFromLocation(target) ?? target;
  if (isJobId(id)) return id;
  throw new JobtokenRequestError(
    `Invalid job id ${JSON.stringify(id)}: expected the jobId that a submit returned, a lowercase UUID.`,
    { code: 'invalid_input', field: 'id' },
  );
}

/** Maps a GraphQL job to the client's job state. */
function jobState(job: GraphQLJob): JobState {
  const finishedAt = job.finishedAt;
  switch (job.status) {
    case 'COMPLETED':
      return {
        jobId: job.id,
        status: 'completed',
        data: job.data as unknown as WeatherForecast,
        finishedAt,
      };
    case 'FAILED':
      return {
        jobId: job.id,
        status: 'failed',
        code: job.error?.code ?? 'processor_error',
        message: job.error?.message ?? 'The job failed.',
        retryable: job.error?.retryable ?? false,
        finishedAt,
      };
    case 'CANCELLED':
      return { jobId: job.id, status: 'cancelled', finishedAt };
    default:
      return {
        jobId: job.id,
        status: UNFINISHED_STATUS[job.status],
        progress: job.progress,
        attempt: job.attempt,
        maxAttempts: job.maxAttempts,
        nextAttemptAt: job.nextAttemptAt,
        lastAttemptError: job.lastAttemptError,
      };
  }
}

/**
 * Computes the wait until a scheduled retry may start, because GraphQL has no Retry-After.
 * Returns undefined otherwise, so the client's poll interval applies.
 */
function untilNextAttemptMs(job: GraphQLJob): number | undefined {
  if (job.status !== 'PENDING' || job.nextAttemptAt === null) return undefined;
  const waitMs = Date.parse(job.nextAttemptAt) - Date.now();
  return Number.isFinite(waitMs) && waitMs > 0 ? waitMs : undefined;
}

function typedError(result: GraphQLErrorResult): JobtokenRequestError {
  return new JobtokenRequestError(result.message, {
    code: errorCodeFromGraphqlCode(result.code) ?? 'internal',
    field: result.field,
    body: result,
  });
}

/**
 * Maps a top-level GraphQL error. A 400 without a known `extensions.code` is a variable that
 * failed coercion (`invalid_input`, as the REST adapter reads it) or a document the server
 * rejected (`malformed_request`).
 */
function responseError(
  error: GraphQLResponseError,
  response: Response,
  retryAfterMs: number | undefined,
  body: unknown,
): JobtokenRequestError {
  const known = errorCodeFromGraphqlCode(error.extensions?.code);
  let code: RequestErrorCode = known ?? 'internal';
  if (!known && response.status === 400) {
    code = /^Variable "\$/.test(error.message) ? 'invalid_input' : 'malformed_request';
  }
  const field = error.extensions?.field;
  return new JobtokenRequestError(String(error.message), {
    code,
    // A 200 carries no information about the failure, so the status comes from the code.
    status: response.ok ? undefined : response.status,
    field: typeof field === 'string' ? field : null,
    retryAfterMs,
    body,
  });
}
