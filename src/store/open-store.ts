import type { StoreLocation } from '../config/database-url.js';
import type { Logger } from '../log/logger.js';
import { CachedJobStore } from './cached/cached-store.js';
import type { JobStore } from './job-store.js';
import { MemoryJobStore } from './memory/memory-store.js';
import { PostgresJobStore } from './postgres/postgres-store.js';
import { SqliteJobStore } from './sqlite/sqlite-store.js';

/** Opens the store that DATABASE_URL selects, wrapped in the finished-job cache. */
export async function openStore(
  location: StoreLocation,
  options: { retentionMs: number; logger: Logger },
): Promise<JobStore> {
  const { retentionMs, logger } = options;
  if (location.kind === 'memory') return new CachedJobStore(new MemoryJobStore({ retentionMs }));
  if (location.kind === 'postgres') {
    const postgres = await PostgresJobStore.open({ ...location, retentionMs, logger });
    logMigrations(logger, { schema: location.schema }, postgres.appliedMigrations);
    return new CachedJobStore(postgres);
  }
  const sqlite = new SqliteJobStore({ retentionMs, filename: location.filename });
  logMigrations(logger, { filename: location.filename }, sqlite.appliedMigrations);
  return new CachedJobStore(sqlite);
}

function logMigrations(logger: Logger, where: Record<string, string>, versions: number[]): void {
  if (versions.length > 0) logger.info({ ...where, versions }, 'applied migrations');
}
