import type { z } from 'zod';
import type { JobFailureCode } from '../job/job.js';

/** What a processor gets besides its input. */
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
