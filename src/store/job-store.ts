import { type Job, type JobFailure, type JobProgress, NO_PROGRESS } from '../job/job.js';
import type { JobStatus } from '../job/job-status.js';

export interface NewJob {
  id: string;
  kind: string;
  input: unknown;
  /** Attempts allowed for retryable failures. Default 1. */
  maxAttempts?: number;
  /** Time from submit, by the store's clock, after which a queued job fails. Default none. */
  deadlineMs?: number | null;
}

/**
 * Builds a job as a store holds it right after inserting it: Pending, created at `createdMs`
 * (epoch milliseconds, by the store's clock), with `input` as the store keeps it.
 */
export function newPendingJob(newJob: NewJob, input: unknown, createdMs: number): Job {
  return {
    id: newJob.id,
    kind: newJob.kind,
    input,
    status: 'Pending',
    progress: NO_PROGRESS,
    result: null,
    error: null,
    attempt: 0,
    maxAttempts: newJob.maxAttempts ?? 1,
    nextAttemptAt: null,
    deadlineAt: newJob.deadlineMs == null ? null : new Date(createdMs + newJob.deadlineMs),
    createdAt: new Date(createdMs),
    startedAt: null,
    updatedAt: new Date(createdMs),
    finishedAt: null,
    expiresAt: null,
  };
}

/** An idempotency key as stored with the job it created. */
export interface IdempotencyKey {
  /** The caller the key belongs to; keys of different callers never match. */
  scope: string;
  key: string;
  /** Hash of the request payload, to tell a retry from a different request with the same key. */
  fingerprint: string;
  /** How long the key is kept, in milliseconds by the store's clock. */
  ttlMs: number;
}

/** Outcome of an insert with an idempotency key. */
export type KeyedInsertOutcome =
  /** No live job had the key: this job was stored with it. */
  | { kind: 'created'; job: Job }
  /** The key belongs to an earlier job with the same payload: that job, nothing stored. */
  | { kind: 'existing'; job: Job }
  /** The key belongs to an earlier job with a different payload: nothing stored. */
  | { kind: 'mismatch'; job: Job };

/** Position in the newest-first job list: the last job of the previous page. */
export interface JobCursor {
  createdAt: Date;
  id: string;
}

export interface ListJobsOptions {
  status?: JobStatus | undefined;
  limit: number;
  after?: JobCursor | undefined;
}

/** Outcome of a cancel request, with the job as it is afterwards. */
export type CancelOutcome =
  | { kind: 'cancelled'; job: Job }
  | { kind: 'cancelling'; job: Job }
  | { kind: 'already_finished'; job: Job }
  | { kind: 'not_found' };

/**
 * A committed change, as announced to listeners. New jobs are announced by kind and status only,
 * because only runners listen for them, and a store may announce a whole insert at once.
 */
export interface JobChange {
  /** Id of the changed job; null when the change announces new Pending jobs. */
  id: string | null;
  kind: string;
  status: JobStatus;
}

export type JobChangeListener = (change: JobChange) => void;

export interface ClaimOptions {
  /** Id of the claiming runner, stored with the lease for diagnostics. */
  owner: string;
  /** Lease length in milliseconds, timed by the store's clock. */
  leaseMs: number;
}

/** A running attempt whose lease a runner holds: the job id and the attempt (fencing token). */
export interface AttemptRef {
  id: string;
  attempt: number;
}

/** A lease that was renewed, with the job's status now: Running, or Cancelling when stopping. */
export interface RenewedLease {
  id: string;
  status: JobStatus;
}

/**
 * The one interface through which jobs are saved, read, claimed and finished.
 *
 * Every claim starts an attempt: the attempt number is its fencing token, and it comes with a
 * lease timed by the store's clock. Writes by a runner carry the attempt and are refused (return
 * null or false) when the job has moved on (another attempt, a cancel request, a terminal
 * status) or when the lease has expired, so a stale runner can never overwrite a newer attempt.
 * Terminal statuses are written once, by compare-and-set from a non-terminal status.
 * Expired jobs read as missing even before `deleteExpired` removes them.
 */
export interface JobStore {
  /** Commits a new Pending job; the promise resolves only once the job is durable. */
  insert(job: NewJob): Promise<Job>;
  /**
   * Commits a new Pending job together with its idempotency key in one transaction, unless a
   * live job already has the key in its scope. Concurrent inserts with one key store one job.
   */
  insertWithKey(job: NewJob, key: IdempotencyKey): Promise<KeyedInsertOutcome>;
  get(id: string): Promise<Job | null>;
  /** Reads many jobs at once; the result is aligned with `ids`, with null for missing ones. */
  getMany(ids: readonly string[]): Promise<(Job | null)[]>;
  /** Lists jobs newest first. */
  list(options: ListJobsOptions): Promise<Job[]>;
  /**
   * Moves up to `limit` of the oldest Pending jobs that are due (no later `nextAttemptAt`) and
   * not past their deadline to Running and starts a new attempt on each,
   * leased to `options.owner` for `options.leaseMs`. Concurrent claims never return one job twice.
   */
  claim(limit: number, options: ClaimOptions): Promise<Job[]>;
  /**
   * Extends the leases of running attempts by `leaseMs` from now. Returns the attempts that still
   * own their job; a missing one has lost its lease and must stop without writing.
   */
  renewLeases(attempts: readonly AttemptRef[], leaseMs: number): Promise<RenewedLease[]>;
  /**
   * Takes back attempts whose lease expired, as a crashed runner leaves them: Running goes back
   * to Pending, or ends Failed when it has no attempts left; Cancelling ends Cancelled. Returns
   * how many jobs changed.
   */
  reclaimExpired(): Promise<number>;
  /** Fails Pending jobs whose deadline has passed with `deadline_exceeded`; returns how many. */
  failOverdue(): Promise<number>;
  /** Records progress of a running attempt; false when the attempt no longer owns the job. */
  updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean>;
  /**
   * Completes a running attempt; null when the attempt no longer owns the job. `claimed`, the job
   * as the attempt's claim returned it, lets a store build the completed job instead of reading
   * the row back.
   */
  complete(id: string, attempt: number, result: unknown, claimed?: Job): Promise<Job | null>;
  /** Fails a running attempt; null when the attempt no longer owns the job. */
  fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null>;
  /**
   * Ends a running attempt with a retryable failure: the job goes back to Pending with the
   * failure recorded and may start its next attempt `delayMs` from now. Null when the attempt
   * no longer owns the job.
   */
  retry(id: string, attempt: number, failure: JobFailure, delayMs: number): Promise<Job | null>;
  /** Cancels a Pending job at once, or marks a Running one Cancelling for its runner to stop. */
  requestCancel(id: string): Promise<CancelOutcome>;
  /** Ends a Cancelling job as Cancelled; null when the job is not Cancelling. */
  finishCancel(id: string): Promise<Job | null>;
  /**
   * Hands a running attempt back without using it up, for a process that shuts down: Running goes
   * back to Pending with the attempt count restored, Cancelling ends Cancelled. False when the
   * attempt no longer owns the job.
   */
  release(id: string, attempt: number): Promise<boolean>;
  /**
   * Hands back jobs that a crashed process left, as `reclaimExpired` does with expired leases.
   * Only safe while no other process runs jobs from the same store.
   */
  recoverAbandoned(): Promise<number>;
  /**
   * Deletes finished jobs whose retention has passed, with their idempotency keys, and keys
   * past their own time to live; returns how many jobs were deleted.
   */
  deleteExpired(): Promise<number>;
  /** Subscribes to committed changes made through this store instance. */
  onChange(listener: JobChangeListener): () => void;
  close(): Promise<void>;
}

/** Settings shared by every store implementation. */
export interface JobStoreOptions {
  /** How long a finished job is kept, in milliseconds. */
  retentionMs: number;
  /** Clock in epoch milliseconds; tests replace it to move time. Default `Date.now`. */
  now?: () => number;
}
