import type { Pool } from 'pg';
import { sql as createJobs } from './migrations/0001-create-jobs.js';
import { sql as addRetriesDeadlinesKeys } from './migrations/0002-add-retries-deadlines-keys.js';
import { sql as addClaimFunction } from './migrations/0003-add-claim-function.js';
import { sql as dropNotifyTriggers } from './migrations/0004-drop-notify-triggers.js';
import { sql as addCompleteFunction } from './migrations/0005-add-complete-function.js';
import { sql as dropNewestIndex } from './migrations/0006-drop-newest-index.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append-only: a released migration is never edited, a change is a new numbered entry. */
const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'create-jobs', sql: createJobs },
  { version: 2, name: 'add-retries-deadlines-keys', sql: addRetriesDeadlinesKeys },
  { version: 3, name: 'add-claim-function', sql: addClaimFunction },
  { version: 4, name: 'drop-notify-triggers', sql: dropNotifyTriggers },
  { version: 5, name: 'add-complete-function', sql: addCompleteFunction },
  { version: 6, name: 'drop-newest-index', sql: dropNewestIndex },
];

export const LATEST_POSTGRES_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Key of the session advisory lock that serialises migrations, so that many processes started
 * at once on an empty database migrate it exactly once. The value is arbitrary but fixed.
 */
const MIGRATION_LOCK_KEY = 7_361_420_015;

/**
 * Applies the migrations the schema lacks, each in its own transaction, while holding the
 * migration advisory lock. Returns the versions applied.
 */
export async function migratePostgres(pool: Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const done = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...done);
    if (newest > LATEST_POSTGRES_VERSION) {
      throw new Error(
        `The schema "${schema}" has migration version ${newest}, newer than this release ` +
          `supports (${LATEST_POSTGRES_VERSION}). Upgrade jobtoken or use another schema.`,
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((candidate) => !done.has(candidate.version))) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    client.release();
  }
}

/** Quotes an SQL identifier, doubling embedded quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
