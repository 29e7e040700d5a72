import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../errors/app-error.js';
import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { JobChangeEmitter } from '../job-change-emitter.js';
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
import { ATTEMPTS_EXHAUSTED_FAILURE, DEADLINE_EXCEEDED_FAILURE } from '../store-failures.js';
import { jobFromRow, type SqliteJobRow } from './sqlite-job-row.js';
import { LATEST_SQLITE_VERSION, migrateSqlite } from './sqlite-migrations.js';
import { prepareStatements, type SqliteStatements } from './sqlite-statements.js';

/** How long a write waits for another connection's lock before failing, in milliseconds. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * SQLite error codes that mean the database cannot be used right now, as opposed to a bad
 * statement: they become StoreUnavailableError so the API returns 503 with Retry-After.
 */
const UNAVAILABLE_CODES =
  /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|PROTOCOL|NOTADB|CORRUPT)/;

const DEADLINE_EXCEEDED = JSON.stringify(DEADLINE_EXCEEDED_FAILURE);
const EXHAUSTED = JSON.stringify(ATTEMPTS_EXHAUSTED_FAILURE);

export interface SqliteJobStoreOptions extends JobStoreOptions {
  /** Path of the database file, or `:memory:`. Missing parent folders are created. */
  filename: string;
}

/**
 * Stores jobs in one SQLite file through better-sqlite3, in WAL mode with `synchronous = FULL`,
 * so a job whose insert has returned survives a crash of the process or the machine.
 */
export class SqliteJobStore implements JobStore {
  readonly #db: Database.Database;
  readonly #statements: SqliteStatements;
  readonly #changes = new JobChangeEmitter();
  readonly #retentionMs: number;
  readonly #now: () => number;
  /** Migration versions applied when this store opened the file. */
  readonly appliedMigrations: number[];

  constructor(options: SqliteJobStoreOptions) {
    this.#retentionMs = options.retentionMs;
    this.#now = options.now ?? Date.now;
    if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
    this.#db = new Database(options.filename, { timeout: BUSY_TIMEOUT_MS });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#checkSchemaVersion(options.filename);
    this.appliedMigrations = migrateSqlite(this.#db);
    this.#statements = prepareStatements(this.#db);
  }

  async insert(newJob: NewJob): Promise<Job> {
    const row = this.#run(() => this.#insertRow(newJob, this.#now()));
    this.#changes.emitInserted(row.kind);
    return jobFromRow(row);
  }

  async insertWithKey(newJob: NewJob, key: IdempotencyKey): Promise<KeyedInsertOutcome> {
    const insert = this.#db.transaction((): [KeyedInsertOutcome, SqliteJobRow | undefined] => {
      const now = this.#now();
      const storedKey = this.#statements.getKey.get({ scope: key.scope, key: key.key });
      if (storedKey && storedKey.expires_at > now) {
        const existing = this.#statements.get.get({ id: storedKey.job_id, now });
        if (existing) {
          const job = jobFromRow(existing);
          const same = storedKey.fingerprint === key.fingerprint;
          return [same ? { kind: 'existing', job } : { kind: 'mismatch', job }, undefined];
        }
      }
      if (storedKey) this.#statements.deleteKey.run({ scope: key.scope, key: key.key });
      const row = this.#insertRow(newJob, now);
      this.#statements.insertKey.run({
        scope: key.scope,
        key: key.key,
        fingerprint: key.fingerprint,
        jobId: newJob.id,
        expiresAt: now + key.ttlMs,
      });
      return [{ kind: 'created', job: jobFromRow(row) }, row];
    });
    const [outcome, created] = this.#run(() => insert.immediate());
    if (created) this.#changes.emitInserted(created.kind);
    return outcome;
  }

  #insertRow(newJob: NewJob, now: number): SqliteJobRow {
    const row = this.#statements.insert.get({
      id: newJob.id,
      kind: newJob.kind,
      input: JSON.stringify(newJob.input),
      maxAttempts: newJob.maxAttempts ?? 1,
      deadlineMs: newJob.deadlineMs ?? null,
      now,
    });
    if (!row) throw new Error(`Inserting job ${newJob.id} returned no row.`);
    return row;
  }

  async get(id: string): Promise<Job | null> {
    const row = this.#run(() => this.#statements.get.get({ id, now: this.#now() }));
    return row ? jobFromRow(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<(Job | null)[]> {
    if (ids.length === 0) return [];
    const rows = this.#run(() =>
      this.#statements.getMany.all({ ids: JSON.stringify(ids), now: this.#now() }),
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => {
      const row = byId.get(id);
      return row ? jobFromRow(row) : null;
    });
  }

  async list(options: ListJobsOptions): Promise<Job[]> {
    const rows = this.#run(() =>
      this.#statements.list.all({
        status: options.status ?? null,
        afterCreatedAt: options.after?.createdAt.getTime() ?? null,
        afterId: options.after?.id ?? null,
        limit: options.limit,
        now: this.#now(),
      }),
    );
    return rows.map(jobFromRow);
  }

  async claim(limit: number, options: ClaimOptions): Promise<Job[]> {
    const now = this.#now();
    const rows = this.#run(() =>
      this.#statements.claim.all({
        limit,
        now,
        owner: options.owner,
        leaseExpiresAt: now + options.leaseMs,
      }),
    );
    return rows.map((row) => this.#announce(row) as Job);
  }

  async renewLeases(attempts: readonly AttemptRef[], leaseMs: number): Promise<RenewedLease[]> {
    const renew = this.#db.transaction(() => {
      const now = this.#now();
      const renewed: RenewedLease[] = [];
      for (const { id, attempt } of attempts) {
        const row = this.#statements.renewLease.get({
          id,
          attempt,
          now,
          leaseExpiresAt: now + leaseMs,
        });
        if (row) renewed.push({ id: row.id, status: row.status });
      }
      return renewed;
    });
    return this.#run(() => renew.immediate());
  }

  async reclaimExpired(): Promise<number> {
    const reclaim = this.#db.transaction(() => [
      ...this.#statements.exhaustRunning.all({ ...this.#finishTimes(), error: EXHAUSTED }),
      ...this.#statements.reclaimRunning.all({ now: this.#now() }),
      ...this.#statements.reclaimCancelling.all(this.#finishTimes()),
    ]);
    const rows = this.#run(() => reclaim.immediate());
    for (const row of rows) this.#announce(row);
    return rows.length;
  }

  async failOverdue(): Promise<number> {
    const rows = this.#run(() =>
      this.#statements.failOverdue.all({ ...this.#finishTimes(), error: DEADLINE_EXCEEDED }),
    );
    for (const row of rows) this.#announce(row);
    return rows.length;
  }

  async updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean> {
    const row = this.#run(() =>
      this.#statements.updateProgress.get({
        id,
        attempt,
        percent: progress.percent,
        message: progress.message,
        now: this.#now(),
      }),
    );
    return this.#announce(row) !== null;
  }

  async complete(id: string, attempt: number, result: unknown): Promise<Job | null> {
    const row = this.#run(() =>
      this.#statements.complete.get({
        id,
        attempt,
        result: JSON.stringify(result ?? null),
        ...this.#finishTimes(),
      }),
    );
    return this.#announce(row);
  }

  async fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null> {
    const row = this.#run(() =>
      this.#statements.fail.get({
        id,
        attempt,
        error: JSON.stringify(failure),
        ...this.#finishTimes(),
      }),
    );
    return this.#announce(row);
  }

  async retry(
    id: string,
    attempt: number,
    failure: JobFailure,
    delayMs: number,
  ): Promise<Job | null> {
    const now = this.#now();
    const row = this.#run(() =>
      this.#statements.retry.get({
        id,
        attempt,
        error: JSON.stringify(failure),
        nextAttemptAt: now + delayMs,
        now,
      }),
    );
    return this.#announce(row);
  }

  async requestCancel(id: string): Promise<CancelOutcome> {
    const cancel = this.#db.transaction((): [CancelOutcome, SqliteJobRow | undefined] => {
      const cancelled = this.#statements.cancelPending.get({ id, ...this.#finishTimes() });
      if (cancelled) return [{ kind: 'cancelled', job: jobFromRow(cancelled) }, cancelled];
      const cancelling = this.#statements.markCancelling.get({ id, now: this.#now() });
      if (cancelling) return [{ kind: 'cancelling', job: jobFromRow(cancelling) }, cancelling];
      const current = this.#statements.get.get({ id, now: this.#now() });
      if (!current) return [{ kind: 'not_found' }, undefined];
      const job = jobFromRow(current);
      if (job.status === 'Cancelled') return [{ kind: 'cancelled', job }, undefined];
      if (job.status === 'Cancelling') return [{ kind: 'cancelling', job }, undefined];
      return [{ kind: 'already_finished', job }, undefined];
    });
    const [outcome, changed] = this.#run(() => cancel.immediate());
    this.#announce(changed);
    return outcome;
  }

  async finishCancel(id: string): Promise<Job | null> {
    const row = this.#run(() => this.#statements.finishCancel.get({ id, ...this.#finishTimes() }));
    return this.#announce(row);
  }

  async release(id: string, attempt: number): Promise<boolean> {
    const release = this.#db.transaction(
      () =>
        this.#statements.releaseRunning.get({ id, attempt, now: this.#now() }) ??
        this.#statements.releaseCancelling.get({ id, attempt, ...this.#finishTimes() }),
    );
    return this.#announce(this.#run(() => release.immediate())) !== null;
  }

  async recoverAbandoned(): Promise<number> {
    const recover = this.#db.transaction(() => {
      const failed = this.#statements.failAbandoned.all({
        ...this.#finishTimes(),
        error: EXHAUSTED,
      });
      const requeued = this.#statements.requeueRunning.all({ now: this.#now() });
      const cancelled = this.#statements.cancelCancelling.all(this.#finishTimes());
      return [...failed, ...requeued, ...cancelled];
    });
    const rows = this.#run(() => recover.immediate());
    for (const row of rows) this.#announce(row);
    return rows.length;
  }

  async deleteExpired(): Promise<number> {
    const sweep = this.#db.transaction(() => {
      const now = this.#now();
      this.#statements.deleteExpiredKeys.run({ now });
      return this.#statements.deleteExpired.run({ now }).changes;
    });
    return this.#run(() => sweep.immediate());
  }

  onChange(listener: JobChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #finishTimes(): { now: number; expiresAt: number } {
    const now = this.#now();
    return { now, expiresAt: now + this.#retentionMs };
  }

  #announce(row: SqliteJobRow | undefined): Job | null {
    if (!row) return null;
    const job = jobFromRow(row);
    this.#changes.emit(job);
    return job;
  }

  /** Runs a database call and turns "cannot use the database now" failures into 503s. */
  #run<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      if (isUnavailableError(error, this.#db.open)) throw new StoreUnavailableError(error);
      throw error;
    }
  }

  #checkSchemaVersion(filename: string): void {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_SQLITE_VERSION) {
      this.#db.close();
      throw new Error(
        `The database ${filename} has schema version ${version}, newer than this release ` +
          `supports (${LATEST_SQLITE_VERSION}). Upgrade jobtoken or point DATABASE_URL elsewhere.`,
      );
    }
  }
}

function isUnavailableError(error: unknown, open: boolean): boolean {
  if (!open) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code);
}
