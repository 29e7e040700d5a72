import { STATUS_CODES } from 'node:http';
// yoga's own Response class: the node:http adapter writes its string body directly, where a
// native Response would have its body read back through a web stream.
import { Response } from '@whatwg-node/fetch';
import type { ErrorCode } from '../errors/error-codes.js';
import { isErrorCode } from '../errors/error-codes.js';
import type { JobStatus } from '../job/job-status.js';
import { problemResponse } from './problem.js';
import type { GraphQLJob } from './rest-documents.js';

/** Bounds of every Retry-After value the REST adapter sends, in seconds. */
export const MIN_RETRY_AFTER_SECONDS = 1;
export const MAX_RETRY_AFTER_SECONDS = 600;

const REST_STATUS: Record<GraphQLJob['status'], JobStatus> = {
  PENDING: 'Pending',
  RUNNING: 'Running',
  COMPLETED: 'Completed',
  FAILED: 'Failed',
  CANCELLING: 'Cancelling',
  CANCELLED: 'Cancelled',
};

/** REST spells statuses as the original sample did: `Pending`, not `PENDING`. */
export function restStatus(job: Pick<GraphQLJob, 'status'>): JobStatus {
  return REST_STATUS[job.status];
}

/**
 * Converts a wait into whole Retry-After seconds within the documented bounds: the kind's poll
 * interval, or the time until the next attempt when a retry waits longer than that.
 */
export function retryAfterSeconds(pollIntervalMs: number, nextAttemptInMs = 0): number {
  const seconds = Math.ceil(Math.max(pollIntervalMs, nextAttemptInMs) / 1000);
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(MIN_RETRY_AFTER_SECONDS, seconds));
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText: STATUS_CODES[status] ?? '',
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

/** Returns the status body of an unfinished job. */
export function progressBody(job: GraphQLJob) {
  return {
    jobId: job.id,
    status: restStatus(job),
    progress: job.progress,
    attempt: job.attempt,
    maxAttempts: job.maxAttempts,
    ...(job.lastAttemptError ? { lastAttemptError: job.lastAttemptError } : {}),
    nextAttemptAt: job.nextAttemptAt,
    deadlineAt: job.deadlineAt,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
  };
}

/**
 * Maps a job to the poll response: 202 while unfinished, 200 with the data once Completed, and
 * a problem response once Failed (status from the failure code) or Cancelled (409).
 */
export function pollResponse(job: GraphQLJob, retryAfter: number): Response {
  switch (job.status) {
    case 'COMPLETED':
      return jsonResponse(200, {
        jobId: job.id,
        status: 'Completed',
        data: job.data ?? null,
        createdAt: job.createdAt,
        finishedAt: job.finishedAt,
        expiresAt: job.expiresAt,
      });
    case 'FAILED':
      return failedJobProblem(job);
    case 'CANCELLED':
      return problemResponse('cancelled', `Job "${job.id}" was cancelled.`, {
        jobId: job.id,
        status: 'Cancelled',
        finishedAt: job.finishedAt,
        expiresAt: job.expiresAt,
      });
    default:
      return jsonResponse(202, progressBody(job), { 'retry-after': String(retryAfter) });
  }
}

function failedJobProblem(job: GraphQLJob): Response {
  const failureCode: ErrorCode = isErrorCode(job.error?.code) ? job.error.code : 'processor_error';
  return problemResponse(failureCode, job.error?.message ?? 'The job failed.', {
    jobId: job.id,
    status: 'Failed',
    code: failureCode,
    retryable: job.error?.retryable ?? false,
    attempt: job.attempt,
    finishedAt: job.finishedAt,
    expiresAt: job.expiresAt,
  });
}
