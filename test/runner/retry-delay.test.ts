import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/runner/retry-delay.js';

const policy = { maxAttempts: 10, initialDelayMs: 1_000, maxDelayMs: 30_000 };

describe('retryDelayMs', () => {
  it('doubles the backoff per attempt', () => {
    const upper = (attempt: number) => retryDelayMs(policy, attempt, () => 1);
    expect([1, 2, 3, 4].map(upper)).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('caps the backoff at the maximum', () => {
    expect(retryDelayMs(policy, 20, () => 1)).toBe(30_000);
    expect(retryDelayMs(policy, 1_000, () => 1)).toBe(30_000);
  });

  it('jitters within the upper half', () => {
    expect(retryDelayMs(policy, 3, () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(3_000);
    for (let index = 0; index < 100; index += 1) {
      const delay = retryDelayMs(policy, 3);
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });
});
