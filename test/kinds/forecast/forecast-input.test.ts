import { describe, expect, it } from 'vitest';
import { forecastInputSchema } from '../../../src/kinds/forecast/forecast-input.js';

function issuesOf(input: unknown) {
  const result = forecastInputSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error?.issues ?? [];
}

describe('forecastInputSchema', () => {
  it('accepts a city with and without a date', () => {
    expect(forecastInputSchema.parse({ city: 'Seattle' })).toEqual({ city: 'Seattle' });
    expect(forecastInputSchema.parse({ city: ' Seattle ', date: null })).toEqual({
      city: 'Seattle',
      date: null,
    });
    expect(forecastInputSchema.parse({ city: 'Seattle', date: '2025-11-08' }).date).toBe(
      '2025-11-08',
    );
  });

  it('rejects an unknown field', () => {
    const [issue] = issuesOf({ city: 'Seattle', country: 'US' });
    expect(issue?.code).toBe('unrecognized_keys');
  });

  it('rejects an empty city', () => {
    const [issue] = issuesOf({ city: '   ' });
    expect(issue?.path).toEqual(['city']);
    expect(issue?.message).toContain('1 to 100 characters');
  });

  it('rejects a city over 100 characters', () => {
    const [issue] = issuesOf({ city: 'a'.repeat(101) });
    expect(issue?.path).toEqual(['city']);
    expect(issue?.message).toContain('at most 100');
  });

  it('rejects control characters', () => {
    const [issue] = issuesOf({ city: 'Seat\u0000tle' });
    expect(issue?.message).toContain('control characters');
  });

  it('rejects a city that is not a string', () => {
    const [issue] = issuesOf({ city: 42 });
    expect(issue?.message).toBe('Invalid city 42: expected a string.');
  });

  it('names an unknown city and the fix', () => {
    const [issue] = issuesOf({ city: 'Atlantis' });
    expect(issue?.message).toContain('"Atlantis"');
    expect(issue?.message).toContain('"Paris, FR"');
  });

  it.each(['2025-02-30', '2025-1-5', 'tomorrow'])('rejects the date %s', (date) => {
    const [issue] = issuesOf({ city: 'Seattle', date });
    expect(issue?.path).toEqual(['date']);
    expect(issue?.message).toContain(date);
  });
});
