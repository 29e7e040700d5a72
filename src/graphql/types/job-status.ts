import { JOB_STATUSES, type JobStatus } from '../../job/job-status.js';
import { builder } from '../builder.js';

/** The stored status name for each GraphQL enum value: `PENDING` is `Pending`. */
function toEnumName(status: JobStatus): string {
  return status.toUpperCase();
}

export const JobStatusEnum = builder.enumType('JobStatus', {
  description: 'Where a job is in its life: PENDING -> RUNNING -> COMPLETED | FAILED | CANCELLED.',
  values: Object.fromEntries(
    JOB_STATUSES.map((status) => [toEnumName(status), { value: status }]),
  ) as Record<Uppercase<JobStatus>, { value: JobStatus }>,
});
