import type { Job, JobFailure, JobProgress } from '../../job/job.js';
import { isJobId } from '../../job/job-id.js';
import { isTerminalStatus } from '../../job/job-status.js';
import { builder } from '../builder.js';
import { noteJobsRead } from '../finished-result-cache.js';
import { JobStatusEnum } from './job-status.js';

const JobProgressType = builder.objectRef<JobProgress>('JobProgress').implement({
  description: 'How far a running job has come, as its processor last reported.',
  fields: (t) => ({
    percent: t.exposeInt('percent', { description: 'Whole percent, 0 to 100.' }),
    message: t.exposeString('message', { nullable: true }),
  }),
});

const JobErrorType = builder.objectRef<JobFailure>('JobError').implement({
  description: 'Why a job failed. The message is safe to show; it never contains internals.',
  fields: (t) => ({
    code: t.exposeString('code', {
      description:
        'Stable failure code: unprocessable_input, timeout, processor_error or deadline_exceeded.',
    }),
    message: t.exposeString('message'),
    retryable: t.exposeBoolean('retryable', {
      description: 'Whether submitting the same input again could succeed.',
    }),
  }),
});

/**
 * A long-running operation: the API name of a job. Implemented once per job kind. Loading by id
 * is batched per request, so many lookups in one document cost one store read.
 */
export const Operation = builder.loadableInterface('Operation', {
  description: 'A long-running operation. Poll it by id until `done` is true.',
  interfaces: [builder.nodeInterfaceRef()],
  // Missing jobs load as null, which a nullable field such as job(id) returns as null.
  load: async (ids: string[], context) => {
    const jobs = await loadJobs(ids, context.store);
    noteJobsRead(context, jobs);
    return jobs as Job[];
  },
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The job token, the same one REST uses in /jobs/{id}.' }),
    kind: t.exposeString('kind'),
    status: t.field({ type: JobStatusEnum, resolve: (job) => job.status }),
    done: t.boolean({
      description: 'True once the status is COMPLETED, FAILED or CANCELLED; it never changes back.',
      resolve: (job) => isTerminalStatus(job.status),
    }),
    progress: t.field({ type: JobProgressType, resolve: (job) => job.progress }),
    attempt: t.exposeInt('attempt', { description: 'Times a runner has started this job.' }),
    maxAttempts: t.exposeInt('maxAttempts', {
      description: 'Attempts allowed before a retryable failure is final; 1 means no retries.',
    }),
    nextAttemptAt: t.expose('nextAttemptAt', {
      type: 'DateTime',
      nullable: true,
      description: 'While PENDING after a failed attempt, when the next attempt may start.',
    }),
    deadlineAt: t.expose('deadlineAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'When a job still queued fails with deadline_exceeded instead of running; null for none.',
    }),
    error: t.field({
      type: JobErrorType,
      nullable: true,
      description: 'Why the job failed; set only once the status is FAILED.',
      resolve: (job) => (job.status === 'Failed' ? job.error : null),
    }),
    lastAttemptError: t.field({
      type: JobErrorType,
      nullable: true,
      description: 'Why the last attempt failed, while the job waits for its next attempt.',
      resolve: (job) => (job.status === 'Failed' ? null : job.error),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a finished job is deleted; null while it is unfinished.',
    }),
  }),
});

/** Loads jobs for the loader. Malformed ids never reach the store; missing jobs load as null. */
async function loadJobs(
  ids: readonly string[],
  store: { getMany(ids: readonly string[]): Promise<(Job | null)[]> },
): Promise<(Job | null)[]> {
  const wellFormed = ids.filter(isJobId);
  const jobs = wellFormed.length > 0 ? await store.getMany(wellFormed) : [];
  const byId = new Map(wellFormed.map((id, index) => [id, jobs[index] ?? null]));
  return ids.map((id) => byId.get(id) ?? null);
}
