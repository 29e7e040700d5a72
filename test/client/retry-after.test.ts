import { describe, expect, it } from 'vitest';
import {
  clampPollDelay,
  MAX_POLL_DELAY_MS,
  MIN_POLL_DELAY_MS,
  parseRetryAfter,
} from '../../src/client/retry-after.js';

const NOW = Date.parse('2025-11-08T09:30:00.000Z');

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1_000],
    ['120', 120_000],
    [' 5 ', 5_000],
  ])('reads delay-seconds %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it.each([
    ['Sat, 08 Nov 2025 09:30:07 GMT', 7_000],
    ['Saturday, 08-Nov-25 09:31:00 GMT', 60_000],
    ['Sat Nov  8 09:30:02 2025', 2_000],
  ])('reads HTTP date %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('reads a past HTTP date as no wait', () => {
    expect(parseRetryAfter('Sat, 08 Nov 2025 09:29:00 GMT', NOW)).toBe(0);
  });

  it.each([[null], [undefined], [''], ['-1'], ['1.5'], ['soon'], ['2025-11-08T09:30:07Z']])(
    'rejects %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );
});

describe('clampPollDelay', () => {
  it('raises short waits to the minimum', () => {
    expect(clampPollDelay(0)).toBe(MIN_POLL_DELAY_MS);
  });

  it('lowers long waits to the maximum', () => {
    expect(clampPollDelay(3_600_000)).toBe(MAX_POLL_DELAY_MS);
  });

  it('keeps waits within the bounds', () => {
    expect(clampPollDelay(7_000)).toBe(7_000);
  });

  it('applies custom bounds', () => {
    expect(clampPollDelay(50, { minMs: 100, maxMs: 200 })).toBe(100);
    expect(clampPollDelay(500, { minMs: 100, maxMs: 200 })).toBe(200);
  });

  it('clamps a parsed HTTP date', () => {
    const delay = parseRetryAfter('Sat, 08 Nov 2025 10:30:00 GMT', NOW);
    expect(delay).toBe(3_600_000);
    expect(clampPollDelay(delay ?? 0)).toBe(MAX_POLL_DELAY_MS);
  });
});
