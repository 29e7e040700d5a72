import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests use; the machine's local one unless TEST_DATABASE_URL is set. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Returns a schema name no other test uses, so each test file or store gets an empty database. */
export function uniqueSchema(prefix = 'jt'): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/** Runs one statement on a short-lived connection, failing clearly when PostgreSQL is down. */
export async function adminQuery<Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_DATABASE_URL} (${(error as Error).message}). ` +
        'Start it, or set TEST_DATABASE_URL.',
    );
  }
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
}

/** Terminates a store's connections: `listener`, `pool`, or both, found by application name. */
export async function terminateConnections(schema: string, which: 'listener' | 'pool' | 'all') {
  const rows = await adminQuery<{ pid: number; query: string }>(
    `SELECT pid, query FROM pg_stat_activity
     WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [`jobtoken:${schema}`.slice(0, 63)],
  );
  // The listening connection's last statement is its LISTEN, a health check or a notification.
  const isListener = (row: { query: string }) =>
    /^(LISTEN|SELECT 1|SELECT pg_notify)/i.test(row.query.trim());
  const targets = rows.filter((row) => {
    if (which === 'all') return true;
    if (which === 'listener') return isListener(row);
    return !isListener(row);
  });
  for (const row of targets) await adminQuery('SELECT pg_terminate_backend($1)', [row.pid]);
  return targets.length;
}
