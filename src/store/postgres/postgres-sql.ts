import { JOB_STATUSES } from '../../job/job-status.js';

/**
 * Every statement of the PostgreSQL store. `$n` parameters are listed in each comment. Writes
 * return at least the id, kind and status of each changed job, which the store announces.
 */

const NOW = "date_trunc('milliseconds', now())";
const LIVE = '(expires_at IS NULL OR expires_at > now())';
const LEASED = 'lease_expires_at > now()';
/** Keys that no longer protect anything: past their time to live, or their job is gone. */
const DEAD_KEY = `(k.expires_at <= now() OR NOT EXISTS (
  SELECT 1 FROM jobs j WHERE j.id = k.job_id AND (j.expires_at IS NULL OR j.expires_at > now())))`;
const ms = (parameter: string) => `${parameter}::double precision * interval '1 millisecond'`;
/** $1 id, $2 attempt. */
const OWNED = `id = $1 AND attempt = $2 AND status = 'Running' AND ${LEASED}`;
/** The retention interval is the last parameter of each finishing statement. */
const finish = (retention: string) =>
  `updated_at = ${NOW}, finished_at = ${NOW},
   expires_at = ${NOW} + ${retention} * interval '1 millisecond', lease_expires_at = NULL`;

/**
 * The newest live jobs of one status after a cursor, which is a time (or null for none) and an
 * id. Each argument is an SQL expression.
 */
const newestOfStatus = (status: string, time: string, id: string, limit: string) => `
    SELECT * FROM jobs
    WHERE status = ${status} AND ${LIVE}
      AND (${time}::timestamptz IS NULL OR (created_at, id) < (${time}::timestamptz, ${id}::text))
    ORDER BY created_at DESC, id DESC
    LIMIT ${limit}`;

export const SQL = {
  /** $1 id, $2 kind, $3 input, $4 max attempts, $5 deadline ms or null. */
  insert: `
    INSERT INTO jobs (id, kind, input, status, max_attempts, deadline_at, created_at, updated_at)
    VALUES ($1, $2, $3, 'Pending', $4, ${NOW} + ${ms('$5')}, ${NOW}, ${NOW})
    RETURNING *`,
  /**
   * $1 ids, $2 kinds, $3 inputs as JSON text, $4 max attempts, $5 deadline ms or null, one
   * array element per job. Jobs of one batch share one `created_at`, so claims take them in id
   * order. Returns one row: that time and the number of jobs inserted, from which the caller
   * builds the jobs instead of reading every row back.
   */
  insertMany: `
    WITH inserted AS (
      INSERT INTO jobs (id, kind, input, status, max_attempts, deadline_at, created_at,
        updated_at)
      SELECT id, kind, input::jsonb, 'Pending', max_attempts, ${NOW} + ${ms('deadline_ms')},
        ${NOW}, ${NOW}
      FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::double precision[])
        AS v (id, kind, input, max_attempts, deadline_ms)
      RETURNING 1)
    SELECT ${NOW} AS created_at, (SELECT count(*) FROM inserted)::integer AS count`,
  /** $1 scope, $2 key. The key with its live job, if any. */
  getKey: `
    SELECT k.fingerprint, k.expires_at > now() AS key_live, j.*
    FROM idempotency_keys k JOIN jobs j ON j.id = k.job_id
    WHERE k.scope = $1 AND k.key = $2 AND (j.expires_at IS NULL OR j.expires_at > now())`,
  /** $1 scope, $2 key. */
  deleteDeadKey: `
    DELETE FROM idempotency_keys k WHERE k.scope = $1 AND k.key = $2 AND ${DEAD_KEY}`,
  /** $1 scope, $2 key, $3 fingerprint, $4 job id, $5 time to live ms. */
  insertKey: `
    INSERT INTO idempotency_keys (scope, key, fingerprint, job_id, expires_at)
    VALUES ($1, $2, $3, $4, now() + ${ms('$5')})
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING job_id`,
  deleteExpiredKeys: 'DELETE FROM idempotency_keys WHERE expires_at <= now()',
  /** $1 error, $2 retention ms. */
  failOverdue: `
    UPDATE jobs SET status = 'Failed', error = $1, ${finish('$2')}
    WHERE status = 'Pending' AND deadline_at <= now()
    RETURNING id, kind, status`,
  /** $1 id, $2 attempt, $3 error, $4 delay ms. */
  retry: `
    UPDATE jobs SET status = 'Pending', error = $3, next_attempt_at = now() + ${ms('$4')},
      updated_at = ${NOW}, lease_expires_at = NULL
    WHERE ${OWNED}
    RETURNING *`,
  /** $1 error, $2 retention ms. */
  exhaustRunning: `
    UPDATE jobs SET status = 'Failed', error = $1, ${finish('$2')}
    WHERE status = 'Running' AND lease_expires_at <= now() AND attempt >= max_attempts
    RETURNING id, kind, status`,
  /** $1 id. */
  get: `SELECT * FROM jobs WHERE id = $1 AND ${LIVE}`,
  /** $1 ids. */
  getMany: `SELECT * FROM jobs WHERE id = ANY($1::text[]) AND ${LIVE}`,
  /** $1 status, $2 cursor time or null, $3 cursor id, $4 limit. */
  listByStatus: newestOfStatus('$1', '$2', '$3', '$4'),
  /**
   * $1 cursor time or null, $2 cursor id, $3 limit. Merges the newest jobs of each status, so
   * that every branch reads the status index for at most a page of rows.
   */
  list: `
    SELECT * FROM (${JOB_STATUSES.map(
      (status) => `(${newestOfStatus(`'${status}'`, '$1', '$2', '$3')})`,
    ).join(' UNION ALL ')}) AS newest
    ORDER BY created_at DESC, id DESC
    LIMIT $3`,
  /**
   * $1 limit, $2 owner, $3 lease ms. The statement is the `claim_jobs` function of migration
   * 0003, whose planner settings keep each claim to the rows it takes. SKIP LOCKED lets
   * concurrent claims pass over rows another transaction is claiming, so no job is returned
   * twice and no claim waits. Rows come back in no particular order.
   */
  claim: 'SELECT * FROM claim_jobs($1, $2, $3)',
  /** $1 ids, $2 attempts, $3 lease ms. */
  renewLeases: `
    UPDATE jobs SET lease_expires_at = now() + $3 * interval '1 millisecond'
    FROM unnest($1::text[], $2::integer[]) AS held(id, attempt)
    WHERE jobs.id = held.id AND jobs.attempt = held.attempt
      AND jobs.status IN ('Running', 'Cancelling') AND jobs.${LEASED}
    RETURNING jobs.id, jobs.status`,
  reclaimRunning: `
    UPDATE jobs SET status = 'Pending', updated_at = ${NOW}, lease_expires_at = NULL
    WHERE status = 'Running' AND lease_expires_at <= now()
    RETURNING id, kind, status`,
  /** $1 retention ms. */
  reclaimCancelling: `
    UPDATE jobs SET status = 'Cancelled', ${finish('$1')}
    WHERE status = 'Cancelling' AND lease_expires_at <= now()
    RETURNING id, kind, status`,
  /** $1 id, $2 attempt, $3 percent, $4 message. */
  updateProgress: `
    UPDATE jobs SET progress_percent = $3, progress_message = $4, updated_at = ${NOW}
    WHERE ${OWNED}
    RETURNING id, kind, status`,
  /**
   * $1 ids, $2 attempts, $3 results as JSON text, one array element per attempt; $4 retention
   * ms. The statement is the `complete_jobs` function of migration 0005, which looks each
   * attempt up by id. Returns the jobs of the attempts that still owned them.
   */
  completeMany: 'SELECT * FROM complete_jobs($1, $2, $3, $4)',
  /**
   * As `completeMany`, but returns only the columns that completing set or that may have
   * changed since the claim, for callers that hold the claimed jobs.
   */
  completeManyClaimed: `
    SELECT id, attempt, progress_message, finished_at, expires_at
    FROM complete_jobs($1, $2, $3, $4)`,
  /** $1 id, $2 attempt, $3 error, $4 retention ms. */
  fail: `
    UPDATE jobs SET status = 'Failed', error = $3, ${finish('$4')}
    WHERE ${OWNED}
    RETURNING *`,
  /** $1 id, $2 retention ms. */
  cancelPending: `
    UPDATE jobs SET status = 'Cancelled', ${finish('$2')}
    WHERE id = $1 AND status = 'Pending'
    RETURNING *`,
  /** $1 id. */
  markCancelling: `
    UPDATE jobs SET status = 'Cancelling', updated_at = ${NOW}
    WHERE id = $1 AND status = 'Running'
    RETURNING *`,
  /** $1 id, $2 retention ms. */
  finishCancel: `
    UPDATE jobs SET status = 'Cancelled', ${finish('$2')}
    WHERE id = $1 AND status = 'Cancelling'
    RETURNING *`,
  /** $1 id, $2 attempt. */
  releaseRunning: `
    UPDATE jobs SET status = 'Pending', attempt = attempt - 1, updated_at = ${NOW},
      lease_expires_at = NULL
    WHERE ${OWNED}
    RETURNING id, kind, status`,
  /** $1 id, $2 attempt, $3 retention ms. */
  releaseCancelling: `
    UPDATE jobs SET status = 'Cancelled', ${finish('$3')}
    WHERE id = $1 AND attempt = $2 AND status = 'Cancelling'
    RETURNING id, kind, status`,
  deleteExpired: 'DELETE FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= now()',
} as const;
