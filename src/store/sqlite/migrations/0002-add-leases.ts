/**
 * Adds attempt leases: the runner that owns a running attempt and when its lease ends, in epoch
 * milliseconds. A job whose lease has ended is taken back by `reclaimExpired`.
 */
export const sql = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;

CREATE INDEX jobs_by_lease_expiry ON jobs (lease_expires_at)
  WHERE status IN ('Running', 'Cancelling');
`;
