/**
 * Adds retries (the attempt limit and when the next attempt may start), deadlines of queued
 * jobs, and idempotency keys. Times are epoch milliseconds. A key is deleted with its job.
 */
export const sql = `
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE jobs ADD COLUMN deadline_at INTEGER;

CREATE INDEX jobs_pending_by_deadline ON jobs (deadline_at)
  WHERE status = 'Pending' AND deadline_at IS NOT NULL;

CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
) STRICT;

CREATE INDEX idempotency_keys_by_job ON idempotency_keys (job_id);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
`;
