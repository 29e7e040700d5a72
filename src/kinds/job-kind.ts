import type { z } from 'zod';
import type { JobFailureCode } from '../job/job.js';

/** Context passed to a processor besides its input. */
export interface ProcessContext {
  jobId: string;
  /** Attempt number, starting at 1. */
  attempt: number;
  /** When the job was submitted, so that processors can resolve relative inputs stably. */
  createdAt: Date;
  /** Aborts when the job is cancelled, times out, or the process shuts down. */
  signal: AbortSignal;
  /** Records progress; percent is clamped to 0-100 and rounded. */
  reportProgress(percent: number, message: string): Promise<void>;
}

/** Retry policy of a kind's retryable failures. */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 means a failure is final. */
  maxAttempts: number;
  /** Wait before the second attempt, in milliseconds; each later wait doubles, up to the max. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** No retries: the first failure is final. */
export const NO_RETRIES: RetryPolicy = Object.freeze({
  maxAttempts: 1,
  initialDelayMs: 0,
  maxDelayMs: 0,
});

/** Time a submitted job may wait in the queue before it fails, unless a kind sets its own. */
export const DEFAULT_DEADLINE_MS = 10 * 60 * 1000;

/**
 * A type of work: how its input is validated at submit, how it runs, and how long it may take.
 * A new kind is one module implementing this plus its GraphQL fields.
 */
export interface JobKind<Input = unknown, Result = unknown> {
  /** Stored in each job's `kind` column; never rename a released kind. */
  name: string;
  /** Validates and normalises input at submit; a job is created only when it parses. */
  inputSchema: z.ZodType<Input>;
  /** Time limit of one attempt, in milliseconds; past it the job fails with code `timeout`. */
  timeoutMs: number;
  /** Suggested wait between polls while a job of this kind is unfinished, in milliseconds. */
  pollIntervalMs: number;
  /** Retries of retryable failures. Default NO_RETRIES. */
  retry?: RetryPolicy;
  /**
   * Time from submit after which a job still queued fails with `deadline_exceeded` instead of
   * running, in milliseconds; null for none. Default DEFAULT_DEADLINE_MS.
   */
  deadlineMs?: number | null;
  process(input: Input, context: ProcessContext): Promise<Result>;
}

/**
 * Thrown by a processor to fail its job with a chosen code and a message safe for clients.
 * Anything else a processor throws fails the job as `processor_error` with a generic message.
 */
export class JobFailedError extends Error {
  readonly code: JobFailureCode;
  readonly retryable: boolean;

  constructor(code: JobFailureCode, message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'JobFailedError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
