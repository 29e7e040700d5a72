import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteJobStore } from '../../src/store/sqlite/sqlite-store.js';

/** Ids of the seeded jobs that polls use. */
export interface SeededIds {
  /** Pending jobs whose next attempt is a year away: never claimed, never cached. */
  waiting: string[];
  /** An evenly spread sample of the finished jobs. */
  finished: string[];
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const FORECAST_INPUT = JSON.stringify({ city: 'Seattle', date: '2025-11-08' });
const FORECAST_RESULT = JSON.stringify({
  city: 'Seattle',
  country: 'US',
  date: '2025-11-08',
  latitude: 47.57,
  longitude: -122.34,
  temperatureC: 9,
  temperatureF: 48,
  summary: 'Cool',
});

/**
 * Creates a jobtoken SQLite file with `finished` Completed forecast jobs and `waiting` Pending
 * ones, inserted with one prepared statement in one transaction. The store opens the file
 * first, so the tables come from jobtoken's own migrations.
 */
export async function seedSqlite(
  filename: string,
  counts: { finished: number; waiting: number; sample: number },
): Promise<SeededIds> {
  await new SqliteJobStore({ filename, retentionMs: YEAR_MS }).close();
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(`
    INSERT INTO jobs (id, kind, input, status, progress_percent, progress_message, result,
      attempt, max_attempts, next_attempt_at, created_at, started_at, updated_at, finished_at,
      expires_at)
    VALUES (:id, 'forecast', :input, :status, :percent, :message, :result, :attempt, 3,
      :nextAttemptAt, :createdAt, :startedAt, :updatedAt, :finishedAt, :expiresAt)`);
  const now = Date.now();
  const ids: SeededIds = { waiting: [], finished: [] };
  const every = Math.max(1, Math.floor(counts.finished / counts.sample));
  db.transaction(() => {
    for (let index = 0; index < counts.finished; index += 1) {
      const id = randomUUID();
      if (index % every === 0 && ids.finished.length < counts.sample) ids.finished.push(id);
      const createdAt = now - counts.finished + index;
      insert.run({
        id,
        input: FORECAST_INPUT,
        status: 'Completed',
        percent: 100,
        message: 'Forecast ready',
        result: FORECAST_RESULT,
        attempt: 1,
        nextAttemptAt: null,
        createdAt,
        startedAt: createdAt,
        updatedAt: createdAt,
        finishedAt: createdAt,
        expiresAt: now + YEAR_MS,
      });
    }
    for (let index = 0; index < counts.waiting; index += 1) {
      const id = randomUUID();
      ids.waiting.push(id);
      insert.run({
        id,
        input: FORECAST_INPUT,
        status: 'Pending',
        percent: 0,
        message: null,
        result: null,
        attempt: 1,
        nextAttemptAt: now + YEAR_MS,
        createdAt: now,
        startedAt: null,
        updatedAt: now,
        finishedAt: null,
        expiresAt: null,
      });
    }
  })();
  db.close();
  return ids;
}
