import { describe, expect, it } from 'vitest';
import { parseIsoDate, tomorrowIn } from '../../../src/kinds/forecast/forecast-date.js';

describe('parseIsoDate', () => {
  it('parses a real date', () => {
    expect(parseIsoDate('2025-11-08')).toEqual({ year: 2025, month: 11, day: 8 });
  });

  it('accepts a leap day', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
  });

  it('rejects dates that do not exist', () => {
    for (const value of ['2025-02-29', '2025-02-30', '2025-13-01', '2025-00-10', '2025-04-31']) {
      expect(parseIsoDate(value), value).toBeNull();
    }
    expect(parseIsoDate('1900-02-29')).toBeNull();
    expect(parseIsoDate('2025-01-00')).toBeNull();
  });

  it('rejects other shapes', () => {
    const values = [
      '2025-1-5',
      '25-01-05',
      '2025/01/05',
      '2025-01-05T00:00:00Z',
      ' 2025-01-05',
      '2025-01-05 ',
      '+2025-01-05',
      '２０２５-01-05',
      '',
    ];
    for (const value of values) {
      expect(parseIsoDate(value), value).toBeNull();
    }
  });

  it('limits years to 1000-9999', () => {
    expect(parseIsoDate('0999-12-31')).toBeNull();
    expect(parseIsoDate('1000-01-01')).toEqual({ year: 1000, month: 1, day: 1 });
    expect(parseIsoDate('9999-12-31')).toEqual({ year: 9999, month: 12, day: 31 });
    expect(parseIsoDate('10000-01-01')).toBeNull();
  });
});

describe('tomorrowIn', () => {
  it('uses the date in the zone', () => {
    const from = new Date('2025-11-08T06:00:00Z');
    expect(tomorrowIn('UTC', from)).toBe('2025-11-09');
    expect(tomorrowIn('America/Los_Angeles', from)).toBe('2025-11-08');
    expect(tomorrowIn('Asia/Tokyo', new Date('2025-11-08T20:00:00Z'))).toBe('2025-11-10');
  });

  it('rolls over months and years', () => {
    expect(tomorrowIn('UTC', new Date('2025-01-31T12:00:00Z'))).toBe('2025-02-01');
    expect(tomorrowIn('UTC', new Date('2025-12-31T12:00:00Z'))).toBe('2026-01-01');
    expect(tomorrowIn('Pacific/Kiritimati', new Date('2025-12-31T10:00:00Z'))).toBe('2026-01-02');
  });

  it('handles leap years', () => {
    expect(tomorrowIn('UTC', new Date('2024-02-28T12:00:00Z'))).toBe('2024-02-29');
    expect(tomorrowIn('UTC', new Date('2025-02-28T12:00:00Z'))).toBe('2025-03-01');
  });

  it('rejects an unknown zone', () => {
    expect(() => tomorrowIn('Mars/Olympus_Mons', new Date())).toThrow(RangeError);
  });
});
