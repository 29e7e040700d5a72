const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Reports whether a string has the shape of a job token, so that garbage never reaches a store.
 * Kept apart from `createJobId`, which needs `node:crypto`, so that the client can use it too.
 */
export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}
