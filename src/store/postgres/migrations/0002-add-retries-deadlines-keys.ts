/**
 * Adds retries (the attempt limit and when the next attempt may start), deadlines of queued
 * jobs, and idempotency keys. A key is deleted with its job. The key's foreign key is checked at
 * commit, so that an insert can claim the key before it writes the job.
 */
export const sql = `
ALTER TABLE jobs ADD COLUMN max_attempts integer NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE jobs ADD COLUMN deadline_at timestamptz;

CREATE INDEX jobs_pending_by_deadline ON jobs (deadline_at)
  WHERE status = 'Pending' AND deadline_at IS NOT NULL;

CREATE TABLE idempotency_keys (
  scope text NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_by_job ON idempotency_keys (job_id);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
`;
