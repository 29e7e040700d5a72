import type { ForecastInput, JobState, SubmittedJob } from './job-state.js';

/** One read of a job, with the wait the server requested before the next one, in ms. */
export interface JobRead {
  state: JobState;
  retryAfterMs: number | undefined;
}

/**
 * The requests a client sends over one API. Implementations reject with a JobtokenRequestError
 * when a request fails, and with the signal's reason once it aborts.
 */
export interface JobTransport {
  readonly name: 'rest' | 'graphql';
  submit(
    input: ForecastInput,
    idempotencyKey: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SubmittedJob>;
  /** Reads a job by its id or its REST job URL. */
  read(jobIdOrLocation: string, signal: AbortSignal | undefined): Promise<JobRead>;
  cancel(jobIdOrLocation: string, signal: AbortSignal | undefined): Promise<JobState>;
}
