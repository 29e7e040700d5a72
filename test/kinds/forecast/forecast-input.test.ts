import { describe, expect, it } from 'vitest';
import {
  FORECAST_INPUT_FIELDS,
  forecastInputSchema,
} from '../../../src/kinds/forecast/forecast-input.js';

/** Returns the messages of a rejected input, or fails the test when it parses. */
function messagesOf(input: unknown): string[] {
  const result = forecastInputSchema.safeParse(input);
  expect(result.success, JSON.stringify(input)).toBe(false);
  return result.error?.issues.map((issue) => issue.message) ?? [];
}

describe('forecastInputSchema', () => {
  it('lists its fields', () => {
    expect(FORECAST_INPUT_FIELDS).toEqual(['city', 'date']);
  });

  it('accepts an omitted date', () => {
    expect(forecastInputSchema.parse({ city: 'Seattle' })).toEqual({ city: 'Seattle' });
  });

  it('accepts a null date', () => {
    const input = { city: 'Seattle', date: null };
    expect(forecastInputSchema.parse(input)).toEqual(input);
  });

  it('accepts a real date', () => {
    const input = { city: 'Seattle', date: '2024-02-29' };
    expect(forecastInputSchema.parse(input)).toEqual(input);
  });

  it('trims the city', () => {
    const parsed = forecastInputSchema.parse({ city: '  Paris, FR ' });
    expect(parsed.city).toBe('Paris, FR');
  });

  it('rejects an unknown field', () => {
    const messages = messagesOf({ city: 'Seattle', colour: 'red' });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('"colour"');
    expect(messages[0]).toContain('expected only "city" and "date"');
  });

  it('rejects a missing city', () => {
    expect(messagesOf({})).toEqual(['Missing city: expected a city name such as "Seattle".']);
  });

  it('rejects a non-object input', () => {
    for (const input of ['Seattle', null, [], 42]) {
      const messages = messagesOf(input);
      expect(messages[0], JSON.stringify(input)).toContain('expected an object');
    }
  });

  it('rejects a non-string city', () => {
    const messages = messagesOf({ city: 42 });
    expect(messages).toEqual(['Invalid city 42: expected a string such as "Seattle".']);
  });

  it('rejects an empty city', () => {
    for (const city of ['', '   ']) {
      const messages = messagesOf({ city });
      expect(messages, JSON.stringify(city)).toHaveLength(1);
      expect(messages[0], JSON.stringify(city)).toContain('expected 1 to 100 characters');
    }
  });

  it('rejects a 101-character city', () => {
    const messages = messagesOf({ city: 'a'.repeat(101) });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('(101 characters)');
    expect(messages[0]).toContain('expected 1 to 100 characters');
  });

  it('counts characters, not UTF-16 units', () => {
    // Each emoji is two UTF-16 code units but one character, so this city is within the limit.
    const messages = messagesOf({ city: '😀'.repeat(100) });
    expect(messages[0]).toContain('Unknown city');
  });

  it('rejects control characters', () => {
    for (const city of ['Sea\u0000ttle', 'Sea\u001bttle', 'Seattle\u007f!']) {
      const messages = messagesOf({ city });
      expect(messages, JSON.stringify(city)).toHaveLength(1);
      expect(messages[0], JSON.stringify(city)).toContain('control characters');
    }
  });

  it('rejects an unknown city', () => {
    expect(messagesOf({ city: 'Atlantis' })).toEqual([
      'Unknown city "Atlantis". Use a city name such as "Seattle", optionally with a country ' +
        'code: "Paris, FR".',
    ]);
  });

  it('rejects an impossible date', () => {
    expect(messagesOf({ city: 'Seattle', date: '2025-02-30' })).toEqual([
      'Invalid date "2025-02-30": expected a real calendar date as YYYY-MM-DD.',
    ]);
  });

  it('rejects an unpadded date', () => {
    const messages = messagesOf({ city: 'Seattle', date: '2025-1-5' });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('"2025-1-5"');
  });

  it('rejects a relative date', () => {
    const messages = messagesOf({ city: 'Seattle', date: 'tomorrow' });
    expect(messages).toEqual([
      'Invalid date "tomorrow": expected a real calendar date as YYYY-MM-DD.',
    ]);
  });

  it('rejects a non-string date', () => {
    const messages = messagesOf({ city: 'Seattle', date: 20250105 });
    expect(messages).toEqual(['Invalid date 20250105: expected a string as YYYY-MM-DD, or null.']);
  });

  it('reports city and date together', () => {
    const result = forecastInputSchema.safeParse({ city: 'Atlantis', date: '2025-13-01' });
    const fields = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(fields).toEqual(['city', 'date']);
  });
});
