import type { Job, JobFailure } from '../../job/job.js';
import type { JobStatus } from '../../job/job-status.js';

/** A row of the jobs table as better-sqlite3 returns it. */
export interface SqliteJobRow {
  id: string;
  kind: string;
  input: string;
  status: JobStatus;
  progress_percent: number;
  progress_message: string | null;
  result: string | null;
  error: string | null;
  attempt: number;
  max_attempts: number;
  next_attempt_at: number | null;
  deadline_at: number | null;
  created_at: number;
  started_at: number | null;
  updated_at: number;
  finished_at: number | null;
  expires_at: number | null;
}

export function jobFromRow(row: SqliteJobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    input: JSON.parse(row.input),
    status: row.status,
    progress: { percent: row.progress_percent, message: row.progress_message },
    result: row.result === null ? null : JSON.parse(row.result),
    error: row.error === null ? null : (JSON.parse(row.error) as JobFailure),
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    deadlineAt: toDate(row.deadline_at),
    createdAt: new Date(row.created_at),
    startedAt: toDate(row.started_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: toDate(row.finished_at),
    expiresAt: toDate(row.expires_at),
  };
}

function toDate(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}
