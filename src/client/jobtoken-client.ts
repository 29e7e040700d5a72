import { abortableDelay } from './abortable-delay.js';
import {
  type ForecastInput,
  isFinished,
  type JobResult,
  type JobState,
  type SubmittedJob,
  type UnfinishedJob,
} from './job-state.js';
import type { JobTransport } from './job-transport.js';
import { JobtokenRequestError } from './request-error.js';
import {
  clampPollDelay,
  DEFAULT_POLL_DELAY_BOUNDS,
  DEFAULT_POLL_DELAY_MS,
  type PollDelayBounds,
} from './retry-after.js';

/** Consecutive polls without any response that `pollUntilDone` retries before it gives up. */
export const DEFAULT_MAX_NETWORK_RETRIES = 5;

export interface ClientOptions {
  /** Wait between polls when the server sends no Retry-After, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Bounds every wait between polls is clamped to. Default 1 s to 60 s. */
  pollDelayBounds?: PollDelayBounds;
  /** Consecutive polls without any response to retry before giving up. Default 5. */
  maxNetworkRetries?: number;
  /** Headers sent with every request, such as `authorization`, which scopes idempotency keys. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface SubmitOptions extends RequestOptions {
  /** Makes a repeated submit return the first job; 1-255 printable ASCII characters. */
  idempotencyKey?: string;
}

export interface PollOptions extends RequestOptions {
  /** Called after every poll that finds the job unfinished. */
  onProgress?: (job: UnfinishedJob) => void;
  /** Called before waiting to retry a poll that failed with 429, 503 or no response. */
  onRetry?: (error: JobtokenRequestError, delayMs: number) => void;
}

/** A client of one jobtoken server, the same over REST and over GraphQL. */
export interface JobtokenClient {
  readonly transport: 'rest' | 'graphql';
  /** Submits a forecast job; rejects with a JobtokenRequestError for invalid input. */
  submit(input: ForecastInput, options?: SubmitOptions): Promise<SubmittedJob>;
  /** Reads a job once, by its id or its REST job URL. */
  get(jobIdOrLocation: string, options?: RequestOptions): Promise<JobState>;
  /** Cancels a job; the returned state is `cancelling` while its processor stops. */
  cancel(jobIdOrLocation: string, options?: RequestOptions): Promise<JobState>;
  /**
   * Polls a job until it is completed, failed or cancelled, waiting as long as each response's
   * Retry-After requests within the poll delay bounds. Only the id is needed, so any client can
   * resume a poll that another one started.
   */
  pollUntilDone(jobIdOrLocation: string, options?: PollOptions): Promise<JobResult>;
}

/** Builds a client on a transport; `createRestClient` and `createGraphQLClient` call this. */
export function createJobtokenClient(
  transport: JobTransport,
  options: ClientOptions = {},
): JobtokenClient {
  const settings: PollSettings = {
    intervalMs: options.pollIntervalMs ?? DEFAULT_POLL_DELAY_MS,
    bounds: options.pollDelayBounds ?? DEFAULT_POLL_DELAY_BOUNDS,
    maxNetworkRetries: options.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES,
  };
  return {
    transport: transport.name,
    submit: (input, submitOptions = {}) =>
      transport.submit(input, submitOptions.idempotencyKey, submitOptions.signal),
    get: async (target, requestOptions = {}) =>
      (await transport.read(target, requestOptions.signal)).state,
    cancel: (target, requestOptions = {}) => transport.cancel(target, requestOptions.signal),
    pollUntilDone: (target, pollOptions = {}) =>
      pollUntilDone(transport, target, pollOptions, settings),
  };
}

interface PollSettings {
  intervalMs: number;
  bounds: PollDelayBounds;
  maxNetworkRetries: number;
}

async function pollUntilDone(
  transport: JobTransport,
  target: string,
  options: PollOptions,
  settings: PollSettings,
): Promise<JobResult> {
  const { signal } = options;
  let failures = 0;
  for (;;) {
    signal?.throwIfAborted();
    let delayMs: number;
    try {
      const { state, retryAfterMs } = await transport.read(target, signal);
      if (isFinished(state)) return state;
      failures = 0;
      options.onProgress?.(state);
      delayMs = clampPollDelay(retryAfterMs ?? settings.intervalMs, settings.bounds);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      failures += 1;
      if (!shouldRetry(error, failures, settings)) throw error;
      delayMs = clampPollDelay(
        error.retryAfterMs ?? backoffMs(failures, settings),
        settings.bounds,
      );
      options.onRetry?.(error, delayMs);
    }
    await abortableDelay(delayMs, signal);
  }
}

/** Retries 429 and 503 for as long as the caller waits, and lost responses a few times. */
function shouldRetry(
  error: unknown,
  failures: number,
  settings: PollSettings,
): error is JobtokenRequestError {
  if (!(error instanceof JobtokenRequestError) || !error.transient) return false;
  return error.code !== 'network_error' || failures <= settings.maxNetworkRetries;
}

/** Doubles the wait from the poll interval with each consecutive failure. */
function backoffMs(failures: number, settings: PollSettings): number {
  return settings.intervalMs * 2 ** Math.min(failures - 1, 10);
}
