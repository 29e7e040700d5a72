import type { StoreLocation } from '../config/database-url.js';
import { CachedJobStore } from './cached/cached-store.js';
import type { JobStore } from './job-store.js';
import { MemoryJobStore } from './memory/memory-store.js';
import { SqliteJobStore } from './sqlite/sqlite-store.js';

/** Opens the store that DATABASE_URL selects, wrapped in the finished-job cache. */
export function openStore(location: StoreLocation, options: { retentionMs: number }): JobStore {
  const inner =
    location.kind === 'memory'
      ? new MemoryJobStore(options)
      : new SqliteJobStore({ ...options, filename: location.filename });
  return new CachedJobStore(inner);
}
