import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/errors/app-error.js';
import { createJobId } from '../../src/job/job-id.js';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';
import { createTempDir } from '../support/temp-dir.js';
import { withTestClock } from '../support/test-clock.js';
import { describeJobStoreContract } from './job-store-contract.js';

let tempDir: ReturnType<typeof createTempDir>;
let fileCounter = 0;

beforeEach(() => {
  tempDir = createTempDir();
});

afterEach(() => {
  tempDir.remove();
});

describeJobStoreContract(
  'SQLite file',
  withTestClock(
    (options) =>
      new SqliteJobStore({ ...options, filename: join(tempDir.path, `jobs-${++fileCounter}.db`) }),
  ),
);

describe('SqliteJobStore', () => {
  it('keeps jobs across a reopen', async () => {
    const filename = join(tempDir.path, 'nested', 'folder', 'jobs.db');
    const first = new SqliteJobStore({ filename, retentionMs: 60_000 });
    const job = await first.insert({
      id: createJobId(),
      kind: 'forecast',
      input: { city: 'Oslo' },
    });
    await first.close();
    const second = new SqliteJobStore({ filename, retentionMs: 60_000 });
    expect(await second.get(job.id)).toEqual(job);
    await second.close();
  });

  it('migrates a new file once', async () => {
    const filename = join(tempDir.path, 'jobs.db');
    const first = new SqliteJobStore({ filename, retentionMs: 60_000 });
    const second = new SqliteJobStore({ filename, retentionMs: 60_000 });
    expect(first.appliedMigrations).toEqual([1, 2, 3]);
    expect(second.appliedMigrations).toEqual([]);
    await first.close();
    await second.close();
  });

  it('uses WAL with full sync', async () => {
    const filename = join(tempDir.path, 'jobs.db');
    const store = new SqliteJobStore({ filename, retentionMs: 60_000 });
    const db = new Database(filename, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    await store.close();
  });

  it('rejects a database from a newer release', () => {
    const filename = join(tempDir.path, 'future.db');
    const db = new Database(filename);
    db.pragma('user_version = 999');
    db.close();
    expect(() => new SqliteJobStore({ filename, retentionMs: 60_000 })).toThrow(
      /schema version 999, newer than this release supports/,
    );
  });

  it('reports a closed database as unavailable', async () => {
    const store = new SqliteJobStore({
      filename: join(tempDir.path, 'jobs.db'),
      retentionMs: 60_000,
    });
    await store.close();
    await expect(store.get(createJobId())).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
