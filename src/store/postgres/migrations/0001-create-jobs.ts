/**
 * Creates the jobs table and the trigger that announces changes. Times are timestamptz truncated
 * to milliseconds, so that list cursors, which carry milliseconds, compare exactly.
 *
 * The trigger notifies channel `jobtoken_<schema>` with `<id> <status> <kind>` on every insert
 * and on updates that change what a client can see; lease renewals stay silent.
 */
export const sql = `
CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  input jsonb NOT NULL,
  status text NOT NULL CHECK (status IN
    ('Pending', 'Running', 'Completed', 'Failed', 'Cancelling', 'Cancelled')),
  progress_percent smallint NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
  progress_message text,
  result jsonb,
  error jsonb,
  attempt integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  expires_at timestamptz,
  lease_owner text,
  lease_expires_at timestamptz
);

CREATE INDEX jobs_pending_by_age ON jobs (created_at, id) WHERE status = 'Pending';
CREATE INDEX jobs_by_newest ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_status_newest ON jobs (status, created_at DESC, id DESC);
CREATE INDEX jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX jobs_by_lease_expiry ON jobs (lease_expires_at)
  WHERE status IN ('Running', 'Cancelling');

CREATE FUNCTION notify_job_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(left('jobtoken_' || TG_TABLE_SCHEMA, 63),
    NEW.id || ' ' || NEW.status || ' ' || NEW.kind);
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_insert AFTER INSERT ON jobs
  FOR EACH ROW EXECUTE FUNCTION notify_job_change();

CREATE TRIGGER jobs_notify_update AFTER UPDATE ON jobs
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD.attempt IS DISTINCT FROM NEW.attempt
    OR OLD.progress_percent IS DISTINCT FROM NEW.progress_percent
    OR OLD.progress_message IS DISTINCT FROM NEW.progress_message)
  EXECUTE FUNCTION notify_job_change();
`;
