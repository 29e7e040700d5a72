import type { WeatherForecast } from '../kinds/forecast/weather-forecast.js';

export type { WeatherForecast };

/** Input of a forecast job: a city name, optionally with a country, and a `YYYY-MM-DD` date. */
export interface ForecastInput {
  city: string;
  /** Tomorrow in the city when omitted. */
  date?: string;
}

/** A job the server accepted. */
export interface SubmittedJob {
  /** The job token, usable with either transport. */
  jobId: string;
  /** Absolute job URL from the REST `Location` header; null over GraphQL. */
  location: string | null;
}

/** How far a running job has come, as its processor last reported. */
export interface JobProgress {
  /** Whole percent, 0 to 100. */
  percent: number;
  message: string | null;
}

/** The failure of a job or of one of its attempts. */
export interface JobFailure {
  /** `unprocessable_input`, `timeout`, `processor_error` or `deadline_exceeded`. */
  code: string;
  message: string;
  /** Whether submitting the same input again could succeed. */
  retryable: boolean;
}

/** A job that is not finished yet. */
export interface UnfinishedJob {
  jobId: string;
  status: 'pending' | 'running' | 'cancelling';
  progress: JobProgress;
  /** Times a runner has started the job. */
  attempt: number;
  maxAttempts: number;
  /** While pending after a failed attempt, when the next attempt may start (RFC 3339). */
  nextAttemptAt: string | null;
  lastAttemptError: JobFailure | null;
}

export interface CompletedJob {
  jobId: string;
  status: 'completed';
  data: WeatherForecast;
  finishedAt: string | null;
}

export interface FailedJob extends JobFailure {
  jobId: string;
  status: 'failed';
  finishedAt: string | null;
}

export interface CancelledJob {
  jobId: string;
  status: 'cancelled';
  finishedAt: string | null;
}

/** The final state of a job: it never changes once reached. */
export type JobResult = CompletedJob | FailedJob | CancelledJob;

/** A job as one read returns it, finished or not. */
export type JobState = UnfinishedJob | JobResult;

export function isFinished(state: JobState): state is JobResult {
  return state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled';
}
