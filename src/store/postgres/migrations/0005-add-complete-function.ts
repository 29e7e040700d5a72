/**
 * Adds `complete_jobs`, the batched completion wrapped in a function whose planner settings
 * make it look each attempt up by primary key.
 *
 * Without them, PostgreSQL 15 joins the batch with every row that the status and lease indexes
 * list as Running, a set that keeps the entries of dead row versions until vacuum. In a run of
 * 20,000 jobs, completions then cost about 62 µs of database CPU per job. Parameters: $1 ids,
 * $2 attempts, $3 results as JSON text, one array element per attempt; $4 retention in
 * milliseconds. Returns the jobs of the attempts that still owned them.
 */
export const sql = `
CREATE FUNCTION complete_jobs(text[], integer[], text[], double precision) RETURNS SETOF jobs
LANGUAGE sql VOLATILE
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_bitmapscan = off
AS $$
  UPDATE jobs SET status = 'Completed', result = v.result::jsonb, progress_percent = 100,
    updated_at = date_trunc('milliseconds', now()),
    finished_at = date_trunc('milliseconds', now()),
    expires_at = date_trunc('milliseconds', now()) + $4 * interval '1 millisecond',
    lease_expires_at = NULL
  FROM unnest($1, $2, $3) AS v (id, attempt, result)
  WHERE jobs.id = v.id AND jobs.attempt = v.attempt AND jobs.status = 'Running'
    AND jobs.lease_expires_at > now()
  RETURNING jobs.*
$$;
`;
