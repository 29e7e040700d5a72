import type { RetryPolicy } from '../kinds/job-kind.js';

/**
 * Returns the wait before the attempt after `attempt`, in milliseconds: exponential backoff
 * (`initialDelayMs` doubled for each earlier attempt, capped at `maxDelayMs`) with equal jitter,
 * so the wait is a random point in the upper half of that value. The jitter spreads the retries
 * of jobs that failed together, such as during an outage.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.round(backoff / 2 + random() * (backoff / 2));
}
