import type { Database, Statement } from 'better-sqlite3';
import type { SqliteJobRow } from './sqlite-job-row.js';

type Params = Record<string, unknown>;

/** A row of the idempotency_keys table. */
export interface KeyRow {
  scope: string;
  key: string;
  fingerprint: string;
  job_id: string;
  expires_at: number;
}

/** Every statement the SQLite store runs, prepared once per connection. */
export interface SqliteStatements {
  insert: Statement<Params, SqliteJobRow>;
  getKey: Statement<Params, KeyRow>;
  deleteKey: Statement<Params, KeyRow>;
  insertKey: Statement<Params, KeyRow>;
  deleteExpiredKeys: Statement<Params, KeyRow>;
  failOverdue: Statement<Params, SqliteJobRow>;
  retry: Statement<Params, SqliteJobRow>;
  exhaustRunning: Statement<Params, SqliteJobRow>;
  failAbandoned: Statement<Params, SqliteJobRow>;
  get: Statement<Params, SqliteJobRow>;
  getMany: Statement<Params, SqliteJobRow>;
  list: Statement<Params, SqliteJobRow>;
  claim: Statement<Params, SqliteJobRow>;
  renewLease: Statement<Params, SqliteJobRow>;
  reclaimRunning: Statement<Params, SqliteJobRow>;
  reclaimCancelling: Statement<Params, SqliteJobRow>;
  updateProgress: Statement<Params, SqliteJobRow>;
  complete: Statement<Params, SqliteJobRow>;
  fail: Statement<Params, SqliteJobRow>;
  cancelPending: Statement<Params, SqliteJobRow>;
  markCancelling: Statement<Params, SqliteJobRow>;
  finishCancel: Statement<Params, SqliteJobRow>;
  releaseRunning: Statement<Params, SqliteJobRow>;
  releaseCancelling: Statement<Params, SqliteJobRow>;
  requeueRunning: Statement<Params, SqliteJobRow>;
  cancelCancelling: Statement<Params, SqliteJobRow>;
  deleteExpired: Statement<Params, SqliteJobRow>;
}

const LIVE = '(expires_at IS NULL OR expires_at > :now)';
const FINISH =
  'updated_at = :now, finished_at = :now, expires_at = :expiresAt, lease_expires_at = NULL';
const LEASED = 'lease_expires_at > :now';
const OWNED = `id = :id AND attempt = :attempt AND status = 'Running' AND ${LEASED}`;
const ACTIVE = "status IN ('Running', 'Cancelling')";
const DUE =
  '(next_attempt_at IS NULL OR next_attempt_at <= :now) AND (deadline_at IS NULL OR deadline_at > :now)';

const SQL: Record<keyof SqliteStatements, string> = {
  insert: `
    INSERT INTO jobs (id, kind, input, status, max_attempts, deadline_at, created_at, updated_at)
    VALUES (:id, :kind, :input, 'Pending', :maxAttempts, :now + :deadlineMs, :now, :now)
    RETURNING *`,
  getKey: 'SELECT * FROM idempotency_keys WHERE scope = :scope AND key = :key',
  deleteKey: 'DELETE FROM idempotency_keys WHERE scope = :scope AND key = :key',
  insertKey: `
    INSERT INTO idempotency_keys (scope, key, fingerprint, job_id, expires_at)
    VALUES (:scope, :key, :fingerprint, :jobId, :expiresAt)`,
  deleteExpiredKeys: 'DELETE FROM idempotency_keys WHERE expires_at <= :now',
  failOverdue: `
    UPDATE jobs SET status = 'Failed', error = :error, ${FINISH}
    WHERE status = 'Pending' AND deadline_at <= :now
    RETURNING *`,
  retry: `
    UPDATE jobs SET status = 'Pending', error = :error, next_attempt_at = :nextAttemptAt,
        updated_at = :now, lease_expires_at = NULL
    WHERE ${OWNED}
    RETURNING *`,
  exhaustRunning: `
    UPDATE jobs SET status = 'Failed', error = :error, ${FINISH}
    WHERE status = 'Running' AND lease_expires_at <= :now AND attempt >= max_attempts
    RETURNING *`,
  failAbandoned: `
    UPDATE jobs SET status = 'Failed', error = :error, ${FINISH}
    WHERE status = 'Running' AND attempt >= max_attempts
    RETURNING *`,
  get: `SELECT * FROM jobs WHERE id = :id AND ${LIVE}`,
  getMany: `SELECT * FROM jobs WHERE id IN (SELECT value FROM json_each(:ids)) AND ${LIVE}`,
  list: `
    SELECT * FROM jobs
    WHERE ${LIVE}
      AND (:status IS NULL OR status = :status)
      AND (:afterCreatedAt IS NULL
        OR created_at < :afterCreatedAt
        OR (created_at = :afterCreatedAt AND id < :afterId))
    ORDER BY created_at DESC, id DESC
    LIMIT :limit`,
  claim: `
    UPDATE jobs
    SET status = 'Running', attempt = attempt + 1, started_at = :now, updated_at = :now,
        progress_percent = 0, progress_message = NULL,
        next_attempt_at = NULL, lease_owner = :owner, lease_expires_at = :leaseExpiresAt
    WHERE id IN (
      SELECT id FROM jobs WHERE status = 'Pending' AND ${DUE}
      ORDER BY created_at, id LIMIT :limit)
    RETURNING *`,
  renewLease: `
    UPDATE jobs SET lease_expires_at = :leaseExpiresAt
    WHERE id = :id AND attempt = :attempt AND ${ACTIVE} AND ${LEASED}
    RETURNING *`,
  reclaimRunning: `
    UPDATE jobs SET status = 'Pending', updated_at = :now, lease_expires_at = NULL
    WHERE status = 'Running' AND lease_expires_at <= :now
    RETURNING *`,
  reclaimCancelling: `
    UPDATE jobs SET status = 'Cancelled', ${FINISH}
    WHERE status = 'Cancelling' AND lease_expires_at <= :now
    RETURNING *`,
  updateProgress: `
    UPDATE jobs SET progress_percent = :percent, progress_message = :message, updated_at = :now
    WHERE ${OWNED}
    RETURNING *`,
  complete: `
    UPDATE jobs SET status = 'Completed', result = :result, progress_percent = 100, ${FINISH}
    WHERE ${OWNED}
    RETURNING *`,
  fail: `
    UPDATE jobs SET status = 'Failed', error = :error, ${FINISH}
    WHERE ${OWNED}
    RETURNING *`,
  cancelPending: `
    UPDATE jobs SET status = 'Cancelled', ${FINISH}
    WHERE id = :id AND status = 'Pending'
    RETURNING *`,
  markCancelling: `
    UPDATE jobs SET status = 'Cancelling', updated_at = :now
    WHERE id = :id AND status = 'Running'
    RETURNING *`,
  finishCancel: `
    UPDATE jobs SET status = 'Cancelled', ${FINISH}
    WHERE id = :id AND status = 'Cancelling'
    RETURNING *`,
  releaseRunning: `
    UPDATE jobs SET status = 'Pending', attempt = attempt - 1, updated_at = :now,
        lease_expires_at = NULL
    WHERE ${OWNED}
    RETURNING *`,
  releaseCancelling: `
    UPDATE jobs SET status = 'Cancelled', ${FINISH}
    WHERE id = :id AND attempt = :attempt AND status = 'Cancelling'
    RETURNING *`,
  requeueRunning: `
    UPDATE jobs SET status = 'Pending', updated_at = :now, lease_expires_at = NULL
    WHERE status = 'Running'
    RETURNING *`,
  cancelCancelling: `
    UPDATE jobs SET status = 'Cancelled', ${FINISH}
    WHERE status = 'Cancelling'
    RETURNING *`,
  deleteExpired: 'DELETE FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= :now',
};

/** Prepares every statement once for a connection. */
export function prepareStatements(db: Database): SqliteStatements {
  const entries = Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]);
  return Object.fromEntries(entries) as SqliteStatements;
}
