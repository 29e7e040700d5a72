import { randomUUID } from 'node:crypto';

export { isJobId } from './job-id-shape.js';

/** Creates a job token: a random UUID v4 (122 random bits from the CSPRNG). */
export function createJobId(): string {
  return randomUUID();
}
