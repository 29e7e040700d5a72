import type { Job } from '../job/job.js';

/**
 * Typed events of the runner, so that tests and metrics can wait on transitions instead of
 * sleeping. Each carries the job as stored after the transition.
 */
export interface RunnerEvents {
  'job:started': [job: Job];
  'job:progress': [job: Pick<Job, 'id' | 'attempt' | 'progress'>];
  'job:completed': [job: Job];
  'job:failed': [job: Job];
  /** A retryable failure with attempts left; the job waits until `job.nextAttemptAt`. */
  'job:retrying': [job: Job];
  'job:cancelled': [job: Job];
  /** A job handed back to Pending at shutdown. */
  'job:released': [job: Pick<Job, 'id' | 'attempt'>];
  /** A store or runner failure that was logged and survived. */
  'runner:error': [error: unknown];
}
