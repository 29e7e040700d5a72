/**
 * Sends job notifications once per statement instead of once per row, because batched inserts,
 * claims and completions touch up to hundreds of rows and every listening process receives and
 * parses each notification.
 *
 * - Inserts send `* Pending <kind>` once per kind. Only runners listen for new jobs, and they
 *   claim by kind, so the ids are left out.
 * - Updates that change what a client can see send `<id>[,<id>...] <status> <kind>`, with at
 *   most 100 ids per notification to stay well under the 8,000-byte payload limit. Lease
 *   renewals stay silent, as before. A single-row update sends the same payload as the per-row
 *   trigger did.
 *
 * The update trigger also runs inside functions with their own planner settings. It avoids
 * sorting, because under `claim_jobs`'s `enable_sort = off` a sort looks so costly that
 * PostgreSQL compiles the query with JIT: 150 ms per claim in a first version that numbered the
 * rows with a window function. It turns hash joins back on for its join of the old and new rows,
 * which `complete_jobs` turns off.
 */
export const sql = `
DROP TRIGGER jobs_notify_insert ON jobs;
DROP TRIGGER jobs_notify_update ON jobs;

CREATE FUNCTION notify_jobs_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(left('jobtoken_' || TG_TABLE_SCHEMA, 63), '* Pending ' || kinds.kind)
  FROM (SELECT DISTINCT kind FROM inserted) AS kinds;
  RETURN NULL;
END
$$;

CREATE FUNCTION notify_jobs_updated() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = on
AS $$
DECLARE
  changed record;
  first integer;
BEGIN
  FOR changed IN
    SELECT after.status, after.kind, array_agg(after.id) AS ids
    FROM updated_after AS after JOIN updated_before AS before ON before.id = after.id
    WHERE before.status IS DISTINCT FROM after.status
      OR before.attempt IS DISTINCT FROM after.attempt
      OR before.progress_percent IS DISTINCT FROM after.progress_percent
      OR before.progress_message IS DISTINCT FROM after.progress_message
    GROUP BY after.status, after.kind
  LOOP
    FOR first IN 1 .. cardinality(changed.ids) BY 100 LOOP
      PERFORM pg_notify(left('jobtoken_' || TG_TABLE_SCHEMA, 63),
        array_to_string(changed.ids[first:first + 99], ',') || ' ' || changed.status || ' '
          || changed.kind);
    END LOOP;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_insert AFTER INSERT ON jobs
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION notify_jobs_inserted();

CREATE TRIGGER jobs_notify_update AFTER UPDATE ON jobs
  REFERENCING OLD TABLE AS updated_before NEW TABLE AS updated_after
  FOR EACH STATEMENT EXECUTE FUNCTION notify_jobs_updated();
`;
