import type { Job, JobFailure } from '../../job/job.js';
import type { JobStatus } from '../../job/job-status.js';

/** A row of the jobs table as the pg driver returns it: jsonb parsed, timestamptz as Date. */
export interface PostgresJobRow {
  id: string;
  kind: string;
  input: unknown;
  status: JobStatus;
  progress_percent: number;
  progress_message: string | null;
  result: unknown;
  error: JobFailure | null;
  attempt: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  deadline_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  updated_at: Date;
  finished_at: Date | null;
  expires_at: Date | null;
}

export function jobFromPostgresRow(row: PostgresJobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    input: row.input,
    status: row.status,
    progress: { percent: row.progress_percent, message: row.progress_message },
    result: row.result ?? null,
    error: row.error ?? null,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    nextAttemptAt: row.next_attempt_at,
    deadlineAt: row.deadline_at,
    createdAt: row.created_at,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    expiresAt: row.expires_at,
  };
}
