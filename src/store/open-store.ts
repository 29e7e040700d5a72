import type { StoreLocation } from '../config/database-url.js';
import type { Logger } from '../log/logger.js';
import { CachedJobStore } from './cached/cached-store.js';
import type { JobStore } from './job-store.js';
import { MemoryJobStore } from './memory/memory-store.js';
import { SqliteJobStore } from './sqlite/sqlite-store.js';

/** Opens the store that DATABASE_URL selects, wrapped in the finished-job cache. */
export function openStore(
  location: StoreLocation,
  options: { retentionMs: number; logger: Logger },
): JobStore {
  const { retentionMs, logger } = options;
  if (location.kind === 'memory') return new CachedJobStore(new MemoryJobStore({ retentionMs }));
  const sqlite = new SqliteJobStore({ retentionMs, filename: location.filename });
  if (sqlite.appliedMigrations.length > 0) {
    logger.info(
      { filename: location.filename, versions: sqlite.appliedMigrations },
      'applied SQLite migrations',
    );
  }
  return new CachedJobStore(sqlite);
}
