/**
 * Job statuses in the order a job moves through them. A job that never started can go straight
 * from Pending to Cancelled; Cancelling is the short step between a cancel request and the
 * processor stopping.
 */
export const JOB_STATUSES = [
  'Pending',
  'Running',
  'Completed',
  'Failed',
  'Cancelling',
  'Cancelled',
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];

export type TerminalJobStatus = Extract<JobStatus, 'Completed' | 'Failed' | 'Cancelled'>;

const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['Completed', 'Failed', 'Cancelled']);

/** Reports whether a status is final: a terminal job never changes again until it expires. */
export function isTerminalStatus(status: JobStatus): status is TerminalJobStatus {
  return TERMINAL_STATUSES.has(status);
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}
