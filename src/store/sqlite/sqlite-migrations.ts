import type { Database } from 'better-sqlite3';
import { sql as createJobs } from './migrations/0001-create-jobs.js';
import { sql as addLeases } from './migrations/0002-add-leases.js';
import { sql as addRetriesDeadlinesKeys } from './migrations/0003-add-retries-deadlines-keys.js';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append-only: a released migration is never edited, a change is a new numbered entry. */
const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'create-jobs', sql: createJobs },
  { version: 2, name: 'add-leases', sql: addLeases },
  { version: 3, name: 'add-retries-deadlines-keys', sql: addRetriesDeadlinesKeys },
];

/**
 * Applies the migrations newer than the database's `user_version`, each in its own transaction,
 * and returns the versions applied. An exclusive transaction makes a second process wait.
 */
export function migrateSqlite(db: Database): number[] {
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const apply = db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= migration.version) return false;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
      return true;
    });
    if (apply.exclusive()) applied.push(migration.version);
  }
  return applied;
}

export const LATEST_SQLITE_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
