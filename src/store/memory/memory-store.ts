import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { NO_PROGRESS } from '../../job/job.js';
import { isTerminalStatus } from '../../job/job-status.js';
import { JobChangeEmitter } from '../job-change-emitter.js';
import { compareNewestFirst, isAfterCursor } from '../job-order.js';
import type {
  AttemptRef,
  CancelOutcome,
  ClaimOptions,
  IdempotencyKey,
  JobChangeListener,
  JobStore,
  JobStoreOptions,
  KeyedInsertOutcome,
  ListJobsOptions,
  NewJob,
  RenewedLease,
} from '../job-store.js';
import { newPendingJob } from '../job-store.js';
import { ATTEMPTS_EXHAUSTED_FAILURE, DEADLINE_EXCEEDED_FAILURE } from '../store-failures.js';

/**
 * Keeps jobs in a Map. For tests and short-lived tools: everything is lost with the process.
 * Jobs are copied on the way in and out, so callers never share state with the store.
 */
export class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, Job>();
  /** Lease expiry of each running attempt, in epoch ms, by job id. */
  readonly #leases = new Map<string, number>();
  /** Idempotency keys by scope and key. */
  readonly #keys = new Map<string, StoredKey>();
  readonly #changes = new JobChangeEmitter();
  readonly #retentionMs: number;
  readonly #now: () => number;

  constructor(options: JobStoreOptions) {
    this.#retentionMs = options.retentionMs;
    this.#now = options.now ?? Date.now;
  }

  async insert(newJob: NewJob): Promise<Job> {
    const job = newPendingJob(newJob, structuredClone(newJob.input), this.#now());
    if (this.#jobs.has(job.id)) throw new Error(`Job ${job.id} already exists.`);
    this.#jobs.set(job.id, job);
    this.#changes.emitInserted(job.kind);
    return structuredClone(job);
  }

  async insertWithKey(newJob: NewJob, key: IdempotencyKey): Promise<KeyedInsertOutcome> {
    const mapKey = JSON.stringify([key.scope, key.key]);
    const stored = this.#keys.get(mapKey);
    const existing =
      stored && stored.expiresAt > this.#now() ? this.#live(stored.jobId) : undefined;
    if (existing) {
      const job = structuredClone(existing);
      return stored?.fingerprint === key.fingerprint
        ? { kind: 'existing', job }
        : { kind: 'mismatch', job };
    }
    // Stores the key before the first await, so that concurrent calls see it.
    this.#keys.set(mapKey, {
      jobId: newJob.id,
      fingerprint: key.fingerprint,
      expiresAt: this.#now() + key.ttlMs,
    });
    return { kind: 'created', job: await this.insert(newJob) };
  }

  async get(id: string): Promise<Job | null> {
    const job = this.#live(id);
    return job ? structuredClone(job) : null;
  }

  async getMany(ids: readonly string[]): Promise<(Job | null)[]> {
    return ids.map((id) => {
      const job = this.#live(id);
      return job ? structuredClone(job) : null;
    });
  }

  async list(options: ListJobsOptions): Promise<Job[]> {
    const now = this.#now();
    return [...this.#jobs.values()]
      .filter((job) => !isExpired(job, now))
      .filter((job) => options.status === undefined || job.status === options.status)
      .filter((job) => options.after === undefined || isAfterCursor(job, options.after))
      .sort(compareNewestFirst)
      .slice(0, options.limit)
      .map((job) => structuredClone(job));
  }

  async claim(limit: number, options: ClaimOptions): Promise<Job[]> {
    const nowMs = this.#now();
    const pending = [...this.#jobs.values()]
      .filter((job) => job.status === 'Pending' && isDue(job, nowMs))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .slice(0, limit);
    const now = new Date(this.#now());
    return pending.map((job) => {
      job.status = 'Running';
      job.attempt += 1;
      job.startedAt = now;
      job.updatedAt = now;
      job.progress = NO_PROGRESS;
      job.nextAttemptAt = null;
      this.#leases.set(job.id, now.getTime() + options.leaseMs);
      this.#changes.emit(job);
      return structuredClone(job);
    });
  }

  async renewLeases(attempts: readonly AttemptRef[], leaseMs: number): Promise<RenewedLease[]> {
    const now = this.#now();
    const renewed: RenewedLease[] = [];
    for (const { id, attempt } of attempts) {
      const job = this.#jobs.get(id);
      const active = job?.status === 'Running' || job?.status === 'Cancelling';
      if (!job || !active || job.attempt !== attempt || !this.#leaseActive(id, now)) continue;
      this.#leases.set(id, now + leaseMs);
      renewed.push({ id, status: job.status });
    }
    return renewed;
  }

  async reclaimExpired(): Promise<number> {
    const now = this.#now();
    let reclaimed = 0;
    for (const job of this.#jobs.values()) {
      if (job.status !== 'Running' && job.status !== 'Cancelling') continue;
      if (this.#leaseActive(job.id, now)) continue;
      this.#abandon(job);
      reclaimed += 1;
    }
    return reclaimed;
  }

  async failOverdue(): Promise<number> {
    const now = this.#now();
    let failed = 0;
    for (const job of this.#jobs.values()) {
      if (job.status !== 'Pending' || job.deadlineAt === null) continue;
      if (job.deadlineAt.getTime() > now) continue;
      job.error = { ...DEADLINE_EXCEEDED_FAILURE };
      this.#finish(job, 'Failed');
      failed += 1;
    }
    return failed;
  }

  async updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean> {
    const job = this.#owned(id, attempt);
    if (!job) return false;
    job.progress = { ...progress };
    job.updatedAt = new Date(this.#now());
    this.#changes.emit(job);
    return true;
  }

  async complete(id: string, attempt: number, result: unknown): Promise<Job | null> {
    const job = this.#owned(id, attempt);
    if (!job) return null;
    job.result = structuredClone(result);
    job.progress = { percent: 100, message: job.progress.message };
    return this.#finish(job, 'Completed');
  }

  async fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null> {
    const job = this.#owned(id, attempt);
    if (!job) return null;
    job.error = { ...failure };
    return this.#finish(job, 'Failed');
  }

  async retry(
    id: string,
    attempt: number,
    failure: JobFailure,
    delayMs: number,
  ): Promise<Job | null> {
    const job = this.#owned(id, attempt);
    if (!job) return null;
    const now = this.#now();
    this.#leases.delete(id);
    job.status = 'Pending';
    job.error = { ...failure };
    job.nextAttemptAt = new Date(now + delayMs);
    job.updatedAt = new Date(now);
    this.#changes.emit(job);
    return structuredClone(job);
  }

  async requestCancel(id: string): Promise<CancelOutcome> {
    const job = this.#live(id);
    if (!job) return { kind: 'not_found' };
    if (job.status === 'Pending') {
      return { kind: 'cancelled', job: this.#finish(job, 'Cancelled') };
    }
    if (job.status === 'Running') {
      job.status = 'Cancelling';
      job.updatedAt = new Date(this.#now());
      this.#changes.emit(job);
      return { kind: 'cancelling', job: structuredClone(job) };
    }
    if (job.status === 'Cancelling') return { kind: 'cancelling', job: structuredClone(job) };
    if (job.status === 'Cancelled') return { kind: 'cancelled', job: structuredClone(job) };
    return { kind: 'already_finished', job: structuredClone(job) };
  }

  async finishCancel(id: string): Promise<Job | null> {
    const job = this.#live(id);
    if (job?.status !== 'Cancelling') return null;
    return this.#finish(job, 'Cancelled');
  }

  async release(id: string, attempt: number): Promise<boolean> {
    const job = this.#jobs.get(id);
    if (!job || job.attempt !== attempt) return false;
    if (job.status === 'Cancelling') {
      this.#finish(job, 'Cancelled');
      return true;
    }
    if (!this.#owned(id, attempt)) return false;
    this.#leases.delete(id);
    job.status = 'Pending';
    job.attempt -= 1;
    job.updatedAt = new Date(this.#now());
    this.#changes.emit(job);
    return true;
  }

  async recoverAbandoned(): Promise<number> {
    let recovered = 0;
    for (const job of this.#jobs.values()) {
      if (job.status === 'Running' || job.status === 'Cancelling') {
        this.#abandon(job);
        recovered += 1;
      }
    }
    return recovered;
  }

  async deleteExpired(): Promise<number> {
    const now = this.#now();
    let deleted = 0;
    for (const job of this.#jobs.values()) {
      if (isExpired(job, now)) {
        this.#jobs.delete(job.id);
        deleted += 1;
      }
    }
    for (const [mapKey, stored] of this.#keys) {
      if (stored.expiresAt <= now || !this.#jobs.has(stored.jobId)) this.#keys.delete(mapKey);
    }
    return deleted;
  }

  onChange(listener: JobChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  async close(): Promise<void> {}

  #live(id: string): Job | undefined {
    const job = this.#jobs.get(id);
    return job && !isExpired(job, this.#now()) ? job : undefined;
  }

  #owned(id: string, attempt: number): Job | undefined {
    const job = this.#jobs.get(id);
    const owned = job?.status === 'Running' && job.attempt === attempt;
    return owned && this.#leaseActive(id, this.#now()) ? job : undefined;
  }

  #leaseActive(id: string, now: number): boolean {
    return (this.#leases.get(id) ?? 0) > now;
  }

  /**
   * Hands back a job whose runner is gone: Running to Pending, or Failed when no attempts are
   * left, and Cancelling to Cancelled.
   */
  #abandon(job: Job): void {
    this.#leases.delete(job.id);
    if (job.status === 'Cancelling') {
      this.#finish(job, 'Cancelled');
      return;
    }
    if (job.attempt >= job.maxAttempts) {
      job.error = { ...ATTEMPTS_EXHAUSTED_FAILURE };
      this.#finish(job, 'Failed');
      return;
    }
    job.status = 'Pending';
    job.updatedAt = new Date(this.#now());
    this.#changes.emit(job);
  }

  #finish(job: Job, status: 'Completed' | 'Failed' | 'Cancelled'): Job {
    if (isTerminalStatus(job.status)) throw new Error(`Job ${job.id} is already ${job.status}.`);
    const now = this.#now();
    this.#leases.delete(job.id);
    job.status = status;
    job.updatedAt = new Date(now);
    job.finishedAt = new Date(now);
    job.expiresAt = new Date(now + this.#retentionMs);
    this.#changes.emit(job);
    return structuredClone(job);
  }
}

interface StoredKey {
  jobId: string;
  fingerprint: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Returns whether a Pending job may start now: its retry wait is over and its deadline not passed. */
function isDue(job: Job, now: number): boolean {
  const waiting = job.nextAttemptAt !== null && job.nextAttemptAt.getTime() > now;
  const overdue = job.deadlineAt !== null && job.deadlineAt.getTime() <= now;
  return !waiting && !overdue;
}

function isExpired(job: Job, now: number): boolean {
  return job.expiresAt !== null && job.expiresAt.getTime() <= now;
}
