import type { JobStatus } from './job-status.js';

/** A job failure as stored and shown to clients: a stable code and a sanitised message. */
export interface JobFailure {
  code: JobFailureCode;
  message: string;
  /** Whether running the same input again could succeed. */
  retryable: boolean;
}

/** Codes a job can fail with. Each one is also a row of the error table. */
export type JobFailureCode =
  | 'unprocessable_input'
  | 'timeout'
  | 'processor_error'
  | 'deadline_exceeded';

export interface JobProgress {
  /** Whole percent, 0 to 100. */
  percent: number;
  message: string | null;
}

/** The stored unit of work. Timestamps are Date objects in UTC. */
export interface Job {
  /** Opaque token from a cryptographic random source (UUID v4). */
  id: string;
  kind: string;
  input: unknown;
  status: JobStatus;
  progress: JobProgress;
  result: unknown;
  error: JobFailure | null;
  /** Number of times a runner has started this job; 0 while it has never run. */
  attempt: number;
  /** Attempts allowed before a retryable failure becomes final; 1 means no retries. */
  maxAttempts: number;
  /**
   * When a Pending job that failed a retryable attempt may start its next one; null when it
   * may start at once.
   */
  nextAttemptAt: Date | null;
  /** When a job still queued ends Failed with `deadline_exceeded`; null for no deadline. */
  deadlineAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  finishedAt: Date | null;
  /** When a finished job is deleted. Null while the job is unfinished: queued jobs never expire. */
  expiresAt: Date | null;
}

export const NO_PROGRESS: JobProgress = Object.freeze({ percent: 0, message: null });
