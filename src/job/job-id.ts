import { randomUUID } from 'node:crypto';

const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Creates a job token: a random UUID v4 (122 random bits from the CSPRNG). */
export function createJobId(): string {
  return randomUUID();
}

/** Reports whether a string has the shape of a job token, so that garbage never reaches a store. */
export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}
