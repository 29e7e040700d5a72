import { LRUCache } from 'lru-cache';
import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { isTerminalStatus } from '../../job/job-status.js';
import type {
  AttemptRef,
  CancelOutcome,
  ClaimOptions,
  IdempotencyKey,
  JobChangeListener,
  JobStore,
  KeyedInsertOutcome,
  ListJobsOptions,
  NewJob,
  RenewedLease,
} from '../job-store.js';

/** Default number of finished jobs the cache keeps, about 2 KB each for forecast jobs. */
export const FINISHED_JOB_CACHE_MAX_ENTRIES = 10_000;

export interface CachedJobStoreOptions {
  /** Maximum number of finished jobs kept in memory. Default FINISHED_JOB_CACHE_MAX_ENTRIES. */
  maxEntries?: number;
  /** Clock in epoch milliseconds, used to stop serving jobs past their expiry. Default `Date.now`. */
  now?: () => number;
}

/**
 * Wraps a store and serves repeated reads of finished jobs from a bounded LRU cache. Only
 * terminal jobs are cached: they never change, so the cache needs no invalidation, and it stops
 * serving a job once its `expiresAt` has passed. Unfinished jobs are always read from the store.
 * Cached jobs are deep-frozen and shared between callers. The wrapped store must return a new
 * object from every call, as the memory, SQLite and PostgreSQL stores do, because the cache
 * freezes that object instead of a copy.
 */
export class CachedJobStore implements JobStore {
  readonly #inner: JobStore;
  readonly #finished: LRUCache<string, Job>;
  readonly #now: () => number;
  /** Cache hits since creation, for tests and diagnostics. */
  hits = 0;

  constructor(inner: JobStore, options: CachedJobStoreOptions = {}) {
    this.#inner = inner;
    this.#now = options.now ?? Date.now;
    this.#finished = new LRUCache({ max: options.maxEntries ?? FINISHED_JOB_CACHE_MAX_ENTRIES });
  }

  async insert(job: NewJob): Promise<Job> {
    return this.#inner.insert(job);
  }

  async insertWithKey(job: NewJob, key: IdempotencyKey): Promise<KeyedInsertOutcome> {
    return this.#inner.insertWithKey(job, key);
  }

  async get(id: string): Promise<Job | null> {
    const cached = this.#cached(id);
    if (cached) return cached;
    return this.#remember(await this.#inner.get(id));
  }

  async getMany(ids: readonly string[]): Promise<(Job | null)[]> {
    const jobs = ids.map((id) => this.#cached(id) ?? null);
    const missing = ids.filter((_, index) => jobs[index] === null);
    if (missing.length === 0) return jobs;
    const loaded = await this.#inner.getMany(missing);
    const loadedById = new Map(missing.map((id, index) => [id, loaded[index] ?? null]));
    return ids.map((id, index) => jobs[index] ?? this.#remember(loadedById.get(id) ?? null));
  }

  async list(options: ListJobsOptions): Promise<Job[]> {
    return this.#inner.list(options);
  }

  async claim(limit: number, options: ClaimOptions): Promise<Job[]> {
    return this.#inner.claim(limit, options);
  }

  async renewLeases(attempts: readonly AttemptRef[], leaseMs: number): Promise<RenewedLease[]> {
    return this.#inner.renewLeases(attempts, leaseMs);
  }

  async reclaimExpired(): Promise<number> {
    return this.#inner.reclaimExpired();
  }

  async failOverdue(): Promise<number> {
    return this.#inner.failOverdue();
  }

  async updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean> {
    return this.#inner.updateProgress(id, attempt, progress);
  }

  async complete(id: string, attempt: number, result: unknown, claimed?: Job): Promise<Job | null> {
    return this.#remember(await this.#inner.complete(id, attempt, result, claimed));
  }

  async fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null> {
    return this.#remember(await this.#inner.fail(id, attempt, failure));
  }

  async retry(
    id: string,
    attempt: number,
    failure: JobFailure,
    delayMs: number,
  ): Promise<Job | null> {
    return this.#inner.retry(id, attempt, failure, delayMs);
  }

  async requestCancel(id: string): Promise<CancelOutcome> {
    const outcome = await this.#inner.requestCancel(id);
    if (outcome.kind !== 'not_found') this.#remember(outcome.job);
    return outcome;
  }

  async finishCancel(id: string): Promise<Job | null> {
    return this.#remember(await this.#inner.finishCancel(id));
  }

  async release(id: string, attempt: number): Promise<boolean> {
    return this.#inner.release(id, attempt);
  }

  async recoverAbandoned(): Promise<number> {
    return this.#inner.recoverAbandoned();
  }

  async deleteExpired(): Promise<number> {
    return this.#inner.deleteExpired();
  }

  onChange(listener: JobChangeListener): () => void {
    return this.#inner.onChange(listener);
  }

  async close(): Promise<void> {
    this.#finished.clear();
    await this.#inner.close();
  }

  /** Number of finished jobs in the cache. */
  get size(): number {
    return this.#finished.size;
  }

  #cached(id: string): Job | undefined {
    const job = this.#finished.get(id);
    if (!job) return undefined;
    if (job.expiresAt !== null && job.expiresAt.getTime() <= this.#now()) {
      this.#finished.delete(id);
      return undefined;
    }
    this.hits += 1;
    return job;
  }

  /**
   * Caches a terminal job frozen, so callers can share it without copying. No copy is made, since
   * the wrapped store returned a new object that only this call holds.
   */
  #remember(job: Job | null): Job | null {
    if (!job || !isTerminalStatus(job.status)) return job;
    const frozen = deepFreeze(job);
    this.#finished.set(job.id, frozen);
    return frozen;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
