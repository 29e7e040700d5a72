/**
 * Drops `jobs_by_newest`. Lists of all jobs now merge one scan of `jobs_by_status_newest` per
 * status, each reading at most a page of rows, so the index no longer pays for itself: every
 * job wrote three entries into it, one per row version (insert, claim, finish), about a quarter
 * of the index records each job wrote to the WAL.
 */
export const sql = `
DROP INDEX jobs_by_newest;
`;
