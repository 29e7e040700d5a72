import pg from 'pg';
import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { isJobStatus } from '../../job/job-status.js';
import type { Logger } from '../../log/logger.js';
import { JobChangeEmitter } from '../job-change-emitter.js';
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
import { newPendingJob } from '../job-store.js';
import { ATTEMPTS_EXHAUSTED_FAILURE, DEADLINE_EXCEEDED_FAILURE } from '../store-failures.js';
import { isUnavailableError, toStoreError } from './postgres-errors.js';
import { jobFromPostgresRow, type PostgresJobRow } from './postgres-job-row.js';
import { PostgresListener } from './postgres-listener.js';
import { migratePostgres } from './postgres-migrations.js';
import { SQL } from './postgres-sql.js';
import { STORE_TYPES } from './postgres-timestamps.js';
import { WriteBatcher } from './write-batcher.js';

const DEADLINE_EXCEEDED = JSON.stringify(DEADLINE_EXCEEDED_FAILURE);
const EXHAUSTED = JSON.stringify(ATTEMPTS_EXHAUSTED_FAILURE);

/** A job row joined with the idempotency key that points at it. */
interface KeyedJobRow extends PostgresJobRow {
  fingerprint: string;
  key_live: boolean;
}

function insertValues(newJob: NewJob): unknown[] {
  return [
    newJob.id,
    newJob.kind,
    JSON.stringify(newJob.input),
    newJob.maxAttempts ?? 1,
    newJob.deadlineMs ?? null,
  ];
}

/** The fields of a changed job that its announcement carries. */
type ChangedJob = Pick<Job, 'id' | 'kind' | 'status'>;

/** Maximum ids in one notification, which keeps payloads well under PostgreSQL's 8,000 bytes. */
const MAX_IDS_PER_NOTIFICATION = 100;

/**
 * Builds the notification payloads for changed jobs: `<id>[,<id>...] <status> <kind>`, one per
 * status and kind and at most MAX_IDS_PER_NOTIFICATION ids each.
 */
function changePayloads(jobs: readonly ChangedJob[]): string[] {
  const idsByGroup = new Map<string, string[]>();
  for (const job of jobs) {
    const group = `${job.status} ${job.kind}`;
    const ids = idsByGroup.get(group);
    if (ids) ids.push(job.id);
    else idsByGroup.set(group, [job.id]);
  }
  const payloads: string[] = [];
  for (const [group, ids] of idsByGroup) {
    for (let start = 0; start < ids.length; start += MAX_IDS_PER_NOTIFICATION) {
      payloads.push(`${ids.slice(start, start + MAX_IDS_PER_NOTIFICATION).join(',')} ${group}`);
    }
  }
  return payloads;
}

/** Compares jobs by `created_at`, then id, the order in which claims pick them. */
function byCreation(first: Job, second: Job): number {
  const age = first.createdAt.getTime() - second.createdAt.getTime();
  if (age !== 0) return age;
  if (first.id === second.id) return 0;
  return first.id < second.id ? -1 : 1;
}

/** Default number of pooled connections per process, besides the listening one. */
export const DEFAULT_POOL_SIZE = 10;
/** Maximum time a statement may run before PostgreSQL cancels it, in milliseconds. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** Maximum time a request waits for a pooled connection, in milliseconds. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Delays between attempts to reach the database at start-up, in milliseconds. */
const STARTUP_RETRY_MIN_MS = 500;
const STARTUP_RETRY_MAX_MS = 5_000;
/** Most inserts, or completions, that share one statement and commit. */
const MAX_WRITE_BATCH_SIZE = 500;

/** A completion waiting for its batch. */
interface CompletedAttempt {
  id: string;
  attempt: number;
  result: unknown;
  claimed: Job | undefined;
}

/** The columns `completeManyClaimed` returns. */
interface CompletedRow {
  id: string;
  attempt: number;
  progress_message: string | null;
  finished_at: Date;
  expires_at: Date;
}

export interface PostgresJobStoreOptions {
  /** `postgres://` connection string, without jobtoken's own `schema` parameter. */
  connectionString: string;
  /** Schema that contains the tables; created when missing. */
  schema: string;
  /** How long a finished job is kept, in milliseconds. */
  retentionMs: number;
  logger: Logger;
  poolSize?: number;
  /** Health-check interval of the listening connection, in ms; tests shorten it. */
  listenerHealthIntervalMs?: number;
}

/**
 * Stores jobs in PostgreSQL for many processes at once. Claims use FOR UPDATE SKIP LOCKED, and
 * every attempt holds a lease timed by the database clock. After each write commits, the store
 * announces the changed jobs with NOTIFY on a channel that every process's store LISTENs to and
 * turns into `onChange` events.
 */
export class PostgresJobStore implements JobStore {
  readonly #pool: pg.Pool;
  readonly #listener: PostgresListener;
  readonly #inserts = new WriteBatcher<NewJob, Job>(
    (jobs) => this.#insertBatch(jobs),
    MAX_WRITE_BATCH_SIZE,
  );
  readonly #completions = new WriteBatcher<CompletedAttempt, Job | null>(
    (attempts) => this.#completeBatch(attempts),
    MAX_WRITE_BATCH_SIZE,
  );
  readonly #changes: JobChangeEmitter;
  readonly #retentionMs: number;
  readonly #log: Logger;
  /** Migration versions applied when this store opened the schema. */
  appliedMigrations: number[] = [];

  private constructor(options: PostgresJobStoreOptions) {
    this.#retentionMs = options.retentionMs;
    this.#log = options.logger.child({ component: 'pg-store', schema: options.schema });
    this.#changes = new JobChangeEmitter((error) =>
      this.#log.error({ err: error }, 'a job change listener threw'),
    );
    const connection: pg.ClientConfig = {
      connectionString: options.connectionString,
      // Lets operators (and tests) find this store's connections in pg_stat_activity.
      application_name: `jobtoken:${options.schema}`.slice(0, 63),
      // UTC makes timestamps print in the form that `parseTimestamptz` reads without a regex.
      options: `-c search_path=${options.schema.replaceAll(/[^\w$]/g, '')} -c TimeZone=UTC`,
      types: STORE_TYPES,
      statement_timeout: STATEMENT_TIMEOUT_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    };
    this.#pool = new pg.Pool({ ...connection, max: options.poolSize ?? DEFAULT_POOL_SIZE });
    // An idle pooled connection that the server terminates emits here; the pool replaces it.
    this.#pool.on('error', (error) => this.#log.warn({ err: error }, 'idle connection lost'));
    this.#listener = new PostgresListener({
      connection,
      channel: `jobtoken_${options.schema}`.slice(0, 63),
      logger: options.logger,
      onNotification: (payload) => this.#onNotification(payload),
      ...(options.listenerHealthIntervalMs
        ? { healthIntervalMs: options.listenerHealthIntervalMs }
        : {}),
    });
  }

  /**
   * Opens the store: migrates the schema under an advisory lock and starts listening. Waits, with
   * logged retries, while the database is unreachable.
   */
  static async open(options: PostgresJobStoreOptions): Promise<PostgresJobStore> {
    if (!/^[A-Za-z_][\w$]{0,62}$/.test(options.schema)) {
      throw new Error(
        `Invalid schema name "${options.schema}": use letters, digits and underscores, ` +
          'starting with a letter or underscore, at most 63 characters.',
      );
    }
    const store = new PostgresJobStore(options);
    store.appliedMigrations = await store.#untilReachable(() =>
      migratePostgres(store.#pool, options.schema),
    );
    await store.#listener.start();
    return store;
  }

  /** The listener, exposed so tests can find and break its connection. */
  get listener(): PostgresListener {
    return this.#listener;
  }

  async insert(newJob: NewJob): Promise<Job> {
    return this.#inserts.add(newJob);
  }

  /**
   * Inserts the jobs in one statement and builds them from the values sent and the one time the
   * database set, which is what reading the rows back would return.
   */
  async #insertBatch(jobs: NewJob[]): Promise<Job[]> {
    const inputs = jobs.map((job) => JSON.stringify(job.input));
    const { rows } = await this.#query<{ created_at: Date; count: number }>(SQL.insertMany, [
      jobs.map((job) => job.id),
      jobs.map((job) => job.kind),
      inputs,
      jobs.map((job) => job.maxAttempts ?? 1),
      jobs.map((job) => job.deadlineMs ?? null),
    ]);
    const [inserted] = rows;
    if (inserted?.count !== jobs.length) {
      throw new Error(
        `Inserting ${jobs.length} jobs failed: the database stored ${inserted?.count ?? 0}.`,
      );
    }
    this.#announceInserted(jobs);
    const createdMs = inserted.created_at.getTime();
    // Each input is parsed from the text sent, so it equals the JSON value the database stored.
    return jobs.map((job, index) =>
      newPendingJob(job, JSON.parse(inputs[index] as string), createdMs),
    );
  }

  /**
   * Reads the key first, because retries usually find it. Otherwise inserts the key, then the
   * job, in one transaction. A concurrent insert of the same key makes `ON CONFLICT DO NOTHING`
   * wait for it and insert nothing, so this transaction writes no job and the next round reads
   * the winner's job.
   */
  async insertWithKey(newJob: NewJob, key: IdempotencyKey): Promise<KeyedInsertOutcome> {
    for (let round = 0; round < 3; round += 1) {
      const [held] = await this.#query<KeyedJobRow>(SQL.getKey, [key.scope, key.key]).then(
        (result) => result.rows,
      );
      if (held?.key_live) {
        const job = jobFromPostgresRow(held);
        return held.fingerprint === key.fingerprint
          ? { kind: 'existing', job }
          : { kind: 'mismatch', job };
      }
      const created = await this.#transaction(async (client) => {
        await client.query(SQL.deleteDeadKey, [key.scope, key.key]);
        const keyed = await client.query(SQL.insertKey, [
          key.scope,
          key.key,
          key.fingerprint,
          newJob.id,
          key.ttlMs,
        ]);
        if ((keyed.rowCount ?? 0) === 0) return undefined;
        const inserted = await client.query<PostgresJobRow>(SQL.insert, insertValues(newJob));
        return inserted.rows[0];
      });
      if (created) {
        this.#announceInserted([created]);
        return { kind: 'created', job: jobFromPostgresRow(created) };
      }
    }
    throw new Error(`Inserting a job with idempotency key "${key.key}" lost three races.`);
  }

  async get(id: string): Promise<Job | null> {
    const [row] = await this.#rows(SQL.get, [id], { retry: true });
    return row ? jobFromPostgresRow(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<(Job | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.#rows(SQL.getMany, [[...new Set(ids)]], { retry: true });
    const byId = new Map(rows.map((row) => [row.id, jobFromPostgresRow(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async list(options: ListJobsOptions): Promise<Job[]> {
    const after = [options.after?.createdAt ?? null, options.after?.id ?? null, options.limit];
    const rows = options.status
      ? await this.#rows(SQL.listByStatus, [options.status, ...after], { retry: true })
      : await this.#rows(SQL.list, after, { retry: true });
    return rows.map(jobFromPostgresRow);
  }

  /** Returns the claimed jobs oldest first, the order in which they were picked. */
  async claim(limit: number, options: ClaimOptions): Promise<Job[]> {
    const rows = await this.#rows(SQL.claim, [limit, options.owner, options.leaseMs]);
    this.#announce(rows);
    return rows.map(jobFromPostgresRow).sort(byCreation);
  }

  async renewLeases(attempts: readonly AttemptRef[], leaseMs: number): Promise<RenewedLease[]> {
    if (attempts.length === 0) return [];
    const ids = attempts.map((attempt) => attempt.id);
    const numbers = attempts.map((attempt) => attempt.attempt);
    const result = await this.#query<{ id: string; status: RenewedLease['status'] }>(
      SQL.renewLeases,
      [ids, numbers, leaseMs],
    );
    return result.rows.map((row) => ({ id: row.id, status: row.status }));
  }

  async reclaimExpired(): Promise<number> {
    const exhausted = await this.#changed(SQL.exhaustRunning, [EXHAUSTED, this.#retentionMs]);
    const running = await this.#changed(SQL.reclaimRunning, []);
    const cancelling = await this.#changed(SQL.reclaimCancelling, [this.#retentionMs]);
    return exhausted.length + running.length + cancelling.length;
  }

  async failOverdue(): Promise<number> {
    return (await this.#changed(SQL.failOverdue, [DEADLINE_EXCEEDED, this.#retentionMs])).length;
  }

  async updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean> {
    const changed = await this.#changed(SQL.updateProgress, [
      id,
      attempt,
      progress.percent,
      progress.message,
    ]);
    return changed.length > 0;
  }

  async complete(id: string, attempt: number, result: unknown, claimed?: Job): Promise<Job | null> {
    return this.#completions.add({ id, attempt, result, claimed });
  }

  /**
   * Completes the attempts in one statement. When every attempt comes with its claimed job, the
   * statement returns only what completing changed and the jobs are built from the claims.
   */
  async #completeBatch(attempts: CompletedAttempt[]): Promise<(Job | null)[]> {
    const results = attempts.map((attempt) => JSON.stringify(attempt.result ?? null));
    const values = [
      attempts.map((attempt) => attempt.id),
      attempts.map((attempt) => attempt.attempt),
      results,
      this.#retentionMs,
    ];
    if (attempts.some((attempt) => attempt.claimed === undefined)) {
      const rows = await this.#rows(SQL.completeMany, values);
      this.#announce(rows);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return attempts.map((attempt) => {
        const row = byId.get(attempt.id);
        return row && row.attempt === attempt.attempt ? jobFromPostgresRow(row) : null;
      });
    }
    const { rows } = await this.#query<CompletedRow>(SQL.completeManyClaimed, values);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const completed = attempts.map((attempt, index): Job | null => {
      const row = byId.get(attempt.id);
      const claimed = attempt.claimed as Job;
      if (!row || row.attempt !== attempt.attempt) return null;
      return {
        ...claimed,
        status: 'Completed',
        progress: { percent: 100, message: row.progress_message },
        // Parsed from the text sent, so the job contains the JSON value the database stored.
        result: JSON.parse(results[index] as string),
        updatedAt: new Date(row.finished_at),
        finishedAt: row.finished_at,
        expiresAt: row.expires_at,
      };
    });
    this.#announce(completed.filter((job) => job !== null));
    return completed;
  }

  async fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null> {
    const [row] = await this.#rows(SQL.fail, [
      id,
      attempt,
      JSON.stringify(failure),
      this.#retentionMs,
    ]);
    return this.#announced(row);
  }

  async retry(
    id: string,
    attempt: number,
    failure: JobFailure,
    delayMs: number,
  ): Promise<Job | null> {
    const [row] = await this.#rows(SQL.retry, [id, attempt, JSON.stringify(failure), delayMs]);
    return this.#announced(row);
  }

  /**
   * Tries each compare-and-set in turn; when neither applies, reads the job to tell why. A job
   * that moved between the statements (released back to Pending, say) is tried again.
   */
  async requestCancel(id: string): Promise<CancelOutcome> {
    for (let round = 0; round < 3; round += 1) {
      const [cancelled] = await this.#rows(SQL.cancelPending, [id, this.#retentionMs]);
      if (cancelled) return { kind: 'cancelled', job: this.#announced(cancelled) };
      const [cancelling] = await this.#rows(SQL.markCancelling, [id]);
      if (cancelling) return { kind: 'cancelling', job: this.#announced(cancelling) };
      const job = await this.get(id);
      if (!job) return { kind: 'not_found' };
      if (job.status === 'Cancelled') return { kind: 'cancelled', job };
      if (job.status === 'Cancelling') return { kind: 'cancelling', job };
      if (job.status === 'Completed' || job.status === 'Failed') {
        return { kind: 'already_finished', job };
      }
    }
    throw new Error(`Cancelling job ${id} lost three races with its runner.`);
  }

  async finishCancel(id: string): Promise<Job | null> {
    const [row] = await this.#rows(SQL.finishCancel, [id, this.#retentionMs]);
    return this.#announced(row);
  }

  async release(id: string, attempt: number): Promise<boolean> {
    const running = await this.#changed(SQL.releaseRunning, [id, attempt]);
    if (running.length > 0) return true;
    const cancelling = await this.#changed(SQL.releaseCancelling, [id, attempt, this.#retentionMs]);
    return cancelling.length > 0;
  }

  /** With many processes there is no safe "everything is abandoned": only expired leases are. */
  async recoverAbandoned(): Promise<number> {
    return this.reclaimExpired();
  }

  async deleteExpired(): Promise<number> {
    await this.#query(SQL.deleteExpiredKeys, []);
    return (await this.#query(SQL.deleteExpired, [])).rowCount ?? 0;
  }

  onChange(listener: JobChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  /** Announces changed jobs to every process's listeners, after the change has committed. */
  #announce(jobs: readonly ChangedJob[]): void {
    this.#listener.notify(changePayloads(jobs));
  }

  /** Announces new Pending jobs once per kind. */
  #announceInserted(jobs: readonly Pick<NewJob, 'kind'>[]): void {
    const kinds = new Set(jobs.map((job) => job.kind));
    this.#listener.notify([...kinds].map((kind) => `* Pending ${kind}`));
  }

  /** Announces the job of a returned row, if any, and returns it as a Job. */
  #announced(row: PostgresJobRow): Job;
  #announced(row: PostgresJobRow | undefined): Job | null;
  #announced(row: PostgresJobRow | undefined): Job | null {
    if (!row) return null;
    this.#announce([row]);
    return jobFromPostgresRow(row);
  }

  /** Runs a write that returns the id, kind and status of each changed job, and announces them. */
  async #changed(text: string, values: unknown[]): Promise<ChangedJob[]> {
    const { rows } = await this.#query<ChangedJob>(text, values);
    this.#announce(rows);
    return rows;
  }

  async close(): Promise<void> {
    await this.#listener.close();
    await this.#pool.end().catch(() => {});
  }

  /**
   * Turns a notification into change events: `<id>[,<id>...] <status> <kind>` for changed jobs,
   * or `* Pending <kind>` for new ones.
   */
  #onNotification(payload: string): void {
    const [ids, status, kind] = payload.split(' ');
    if (!ids || !kind || !isJobStatus(status)) {
      this.#log.warn({ payload }, 'ignored a malformed job notification');
      return;
    }
    if (ids === '*') {
      this.#changes.emitInserted(kind);
      return;
    }
    for (const id of ids.split(',')) this.#changes.emit({ id, kind, status });
  }

  async #query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[],
    options: { retry?: boolean } = {},
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await this.#pool.query<Row>(text, values);
    } catch (error) {
      // A read on a connection the server just dropped is safe to repeat once on a fresh one.
      if (options.retry && isUnavailableError(error)) {
        try {
          return await this.#pool.query<Row>(text, values);
        } catch (retryError) {
          throw toStoreError(retryError);
        }
      }
      throw toStoreError(error);
    }
  }

  /** Runs `work` in a transaction on one pooled connection; rolls back when it throws. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toStoreError(error);
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = isUnavailableError(error);
      if (!broken) await client.query('ROLLBACK').catch(() => {});
      throw toStoreError(error);
    } finally {
      // A connection that failed mid-transaction is destroyed rather than reused.
      client.release(broken);
    }
  }

  async #rows(
    text: string,
    values: unknown[],
    options: { retry?: boolean } = {},
  ): Promise<PostgresJobRow[]> {
    return (await this.#query<PostgresJobRow & pg.QueryResultRow>(text, values, options)).rows;
  }

  async #untilReachable<T>(task: () => Promise<T>): Promise<T> {
    let delay = STARTUP_RETRY_MIN_MS;
    for (;;) {
      try {
        return await task();
      } catch (error) {
        if (!isUnavailableError(error)) throw error;
        this.#log.warn(
          { err: error, retryInMs: delay },
          'database unreachable at start-up; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(STARTUP_RETRY_MAX_MS, delay * 2);
      }
    }
  }
}
