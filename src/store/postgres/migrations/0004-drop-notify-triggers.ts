/**
 * Drops the triggers that sent a notification for every job change; the store now sends them
 * itself, on its listening connection, after each change has committed.
 *
 * A transaction that notifies takes a database-wide lock before it commits and holds it until
 * its commit record is flushed to disk, so every notifying commit waited for the one before.
 * With inserts, claims and completions all notifying, their commits formed one queue: in a
 * benchmark of 2,000 jobs, submitting took four times as long with the triggers as without.
 * The listening connection commits its notifications asynchronously, which is safe because it
 * writes no data, so it holds that lock only briefly.
 */
export const sql = `
DROP TRIGGER jobs_notify_insert ON jobs;
DROP TRIGGER jobs_notify_update ON jobs;
DROP FUNCTION notify_job_change();
`;
