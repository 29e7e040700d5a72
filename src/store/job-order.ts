import type { Job } from '../job/job.js';
import type { JobCursor } from './job-store.js';

/** Orders jobs newest first, with the id breaking ties between jobs created in the same ms. */
export function compareNewestFirst(a: Job, b: Job): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

/** Reports whether a job comes after the cursor in newest-first order. */
export function isAfterCursor(job: Job, cursor: JobCursor): boolean {
  const jobTime = job.createdAt.getTime();
  const cursorTime = cursor.createdAt.getTime();
  return jobTime < cursorTime || (jobTime === cursorTime && job.id < cursor.id);
}
