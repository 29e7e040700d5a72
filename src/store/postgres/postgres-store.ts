import pg from 'pg';
import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { isJobStatus } from '../../job/job-status.js';
import type { Logger } from '../../log/logger.js';
import { JobChangeEmitter } from '../job-change-emitter.js';
import type {
  AttemptRef,
  CancelOutcome,
  ClaimOptions,
  JobChangeListener,
  JobStore,
  ListJobsOptions,
  NewJob,
  RenewedLease,
} from '../job-store.js';
import { isUnavailableError, toStoreError } from './postgres-errors.js';
import { jobFromPostgresRow, type PostgresJobRow } from './postgres-job-row.js';
import { PostgresListener } from './postgres-listener.js';
import { migratePostgres } from './postgres-migrations.js';
import { SQL } from './postgres-sql.js';

/** Default number of pooled connections per process, besides the listening one. */
export const DEFAULT_POOL_SIZE = 10;
/** Longest a statement may run before PostgreSQL cancels it, in milliseconds. */
const STATEMENT_TIMEOUT_MS = 10_000;
/** Longest a request waits for a pooled connection, in milliseconds. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Delays between attempts to reach the database at start-up, in milliseconds. */
const STARTUP_RETRY_MIN_MS = 500;
const STARTUP_RETRY_MAX_MS = 5_000;

export interface PostgresJobStoreOptions {
  /** `postgres://` connection string, without jobtoken's own `schema` parameter. */
  connectionString: string;
  /** Schema that holds the tables; created when missing. */
  schema: string;
  /** How long a finished job is kept, in milliseconds. */
  retentionMs: number;
  logger: Logger;
  poolSize?: number;
  /** Health-check interval of the listening connection, in ms; tests shorten it. */
  listenerHealthIntervalMs?: number;
}

/**
 * Stores jobs in PostgreSQL for many processes at once. Claims use FOR UPDATE SKIP LOCKED, every
 * attempt holds a lease timed by the database clock, and a trigger announces each change on a
 * LISTEN/NOTIFY channel that every process's store turns into `onChange` events.
 */
export class PostgresJobStore implements JobStore {
  readonly #pool: pg.Pool;
  readonly #listener: PostgresListener;
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
      options: `-c search_path=${options.schema.replaceAll(/[^\w$]/g, '')}`,
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
    const [row] = await this.#rows(SQL.insert, [
      newJob.id,
      newJob.kind,
      JSON.stringify(newJob.input),
    ]);
    return jobFromPostgresRow(row as PostgresJobRow);
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
    const rows = await this.#rows(
      SQL.list,
      [
        options.status ?? null,
        options.after?.createdAt ?? null,
        options.after?.id ?? null,
        options.limit,
      ],
      { retry: true },
    );
    return rows.map(jobFromPostgresRow);
  }

  async claim(limit: number, options: ClaimOptions): Promise<Job[]> {
    const rows = await this.#rows(SQL.claim, [limit, options.owner, options.leaseMs]);
    return rows.map(jobFromPostgresRow);
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
    const running = await this.#query(SQL.reclaimRunning, []);
    const cancelling = await this.#query(SQL.reclaimCancelling, [this.#retentionMs]);
    return (running.rowCount ?? 0) + (cancelling.rowCount ?? 0);
  }

  async updateProgress(id: string, attempt: number, progress: JobProgress): Promise<boolean> {
    const result = await this.#query(SQL.updateProgress, [
      id,
      attempt,
      progress.percent,
      progress.message,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async complete(id: string, attempt: number, result: unknown): Promise<Job | null> {
    const [row] = await this.#rows(SQL.complete, [
      id,
      attempt,
      JSON.stringify(result ?? null),
      this.#retentionMs,
    ]);
    return row ? jobFromPostgresRow(row) : null;
  }

  async fail(id: string, attempt: number, failure: JobFailure): Promise<Job | null> {
    const [row] = await this.#rows(SQL.fail, [
      id,
      attempt,
      JSON.stringify(failure),
      this.#retentionMs,
    ]);
    return row ? jobFromPostgresRow(row) : null;
  }

  /**
   * Tries each compare-and-set in turn; when neither applies, reads the job to tell why. A job
   * that moved between the statements (released back to Pending, say) is tried again.
   */
  async requestCancel(id: string): Promise<CancelOutcome> {
    for (let round = 0; round < 3; round += 1) {
      const [cancelled] = await this.#rows(SQL.cancelPending, [id, this.#retentionMs]);
      if (cancelled) return { kind: 'cancelled', job: jobFromPostgresRow(cancelled) };
      const [cancelling] = await this.#rows(SQL.markCancelling, [id]);
      if (cancelling) return { kind: 'cancelling', job: jobFromPostgresRow(cancelling) };
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
    return row ? jobFromPostgresRow(row) : null;
  }

  async release(id: string, attempt: number): Promise<boolean> {
    const running = await this.#query(SQL.releaseRunning, [id, attempt]);
    if ((running.rowCount ?? 0) > 0) return true;
    const cancelling = await this.#query(SQL.releaseCancelling, [id, attempt, this.#retentionMs]);
    return (cancelling.rowCount ?? 0) > 0;
  }

  /** With many processes there is no safe "everything is abandoned": only expired leases are. */
  async recoverAbandoned(): Promise<number> {
    return this.reclaimExpired();
  }

  async deleteExpired(): Promise<number> {
    return (await this.#query(SQL.deleteExpired, [])).rowCount ?? 0;
  }

  onChange(listener: JobChangeListener): () => void {
    return this.#changes.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.#listener.close();
    await this.#pool.end().catch(() => {});
  }

  #onNotification(payload: string): void {
    const [id, status, kind] = payload.split(' ');
    if (!id || !kind || !isJobStatus(status)) {
      this.#log.warn({ payload }, 'ignored a malformed job notification');
      return;
    }
    this.#changes.emit({ id, kind, status });
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
