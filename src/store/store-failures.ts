import type { JobFailure } from '../job/job.js';

/** Failure of a queued job whose deadline passed before it could run. */
export const DEADLINE_EXCEEDED_FAILURE: JobFailure = Object.freeze({
  code: 'deadline_exceeded',
  message: 'The job was still queued when its deadline passed, so it was not run.',
  retryable: false,
});

/** Failure of a job whose last allowed attempt ended with its runner gone (lease expired). */
export const ATTEMPTS_EXHAUSTED_FAILURE: JobFailure = Object.freeze({
  code: 'processor_error',
  message:
    'The process running the last allowed attempt stopped without finishing it, ' +
    'so no attempts remain.',
  retryable: false,
});
