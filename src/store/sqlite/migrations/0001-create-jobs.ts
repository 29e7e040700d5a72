/**
 * Creates the jobs table. Times are epoch milliseconds (UTC); input, result and error are JSON.
 */
export const sql = `
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  input TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN
    ('Pending', 'Running', 'Completed', 'Failed', 'Cancelling', 'Cancelled')),
  progress_percent INTEGER NOT NULL DEFAULT 0 CHECK (progress_percent BETWEEN 0 AND 100),
  progress_message TEXT,
  result TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  expires_at INTEGER
) STRICT;

-- Claims take the oldest Pending jobs first.
CREATE INDEX jobs_pending_by_age ON jobs (created_at, id) WHERE status = 'Pending';
-- Listing, newest first, with and without a status filter.
CREATE INDEX jobs_by_newest ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_status_newest ON jobs (status, created_at DESC, id DESC);
-- Retention sweeps.
CREATE INDEX jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
`;
