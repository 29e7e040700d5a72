import { describe, expect, it } from 'vitest';
import { parseIsoDate, tomorrowIn } from '../../../src/kinds/forecast/forecast-date.js';

describe('parseIsoDate', () => {
  it('accepts real dates', () => {
    expect(parseIsoDate('2025-11-08')).toEqual({ year: 2025, month: 11, day: 8 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it.each(['2025-02-30', '2025-02-29', '2025-13-01', '2025-00-10', '0999-01-01'])(
    'rejects %s',
    (value) => {
      expect(parseIsoDate(value)).toBeNull();
    },
  );

  it.each(['2025-1-5', '25-11-08', '2025/11/08', '2025-11-08T00:00', ' 2025-11-08', ''])(
    'rejects the shape %j',
    (value) => {
      expect(parseIsoDate(value)).toBeNull();
    },
  );
});

describe('tomorrowIn', () => {
  it('uses the calendar of the time zone', () => {
    const lateEveningInSeattle = new Date('2025-11-09T06:30:00Z');
    expect(tomorrowIn('America/Los_Angeles', lateEveningInSeattle)).toBe('2025-11-09');
    expect(tomorrowIn('Europe/Oslo', lateEveningInSeattle)).toBe('2025-11-10');
  });

  it('rolls over the end of a year', () => {
    expect(tomorrowIn('UTC', new Date('2025-12-31T12:00:00Z'))).toBe('2026-01-01');
  });
});
