import { z } from 'zod';
import { resolveCity } from './city-lookup.js';
import { parseIsoDate } from './forecast-date.js';

/** Maximum length of a city after trimming, in Unicode code points like JSON Schema's maxLength. */
export const MAX_CITY_LENGTH = 100;
export const FORECAST_INPUT_FIELDS = ['city', 'date'] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
/** Maximum length of the excerpt of a rejected value that a message quotes, in code points. */
const MAX_QUOTED_LENGTH = 40;

/** Quotes a value for a message as JSON, shortening long strings so the message stays readable. */
function quote(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  const codePoints = [...value];
  if (codePoints.length <= MAX_QUOTED_LENGTH) return JSON.stringify(value);
  return `${JSON.stringify(codePoints.slice(0, MAX_QUOTED_LENGTH).join(''))}…`;
}

function lengthOf(text: string): number {
  return [...text].length;
}

const citySchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'Missing city: expected a city name such as "Seattle".'
        : `Invalid city ${quote(issue.input)}: expected a string such as "Seattle".`,
  })
  .trim()
  .refine((city) => city.length > 0, {
    error: `Invalid city "": expected 1 to ${MAX_CITY_LENGTH} characters after trimming whitespace.`,
    abort: true,
  })
  .refine((city) => lengthOf(city) <= MAX_CITY_LENGTH, {
    error: (issue) =>
      `Invalid city ${quote(issue.input)} (${lengthOf(String(issue.input))} characters): ` +
      `expected 1 to ${MAX_CITY_LENGTH} characters.`,
    abort: true,
  })
  .refine((city) => !CONTROL_CHARACTERS.test(city), {
    error: (issue) =>
      `Invalid city ${quote(issue.input)}: control characters ` +
      '(U+0000 to U+001F and U+007F) are not allowed.',
    abort: true,
  })
  .refine((city) => resolveCity(city) !== null, {
    error: (issue) =>
      `Unknown city ${quote(issue.input)}. Use a city name such as "Seattle", ` +
      'optionally with a country code: "Paris, FR".',
  });

const dateSchema = z
  .string({
    error: (issue) =>
      `Invalid date ${quote(issue.input)}: expected a string as YYYY-MM-DD, or null.`,
  })
  .refine((date) => parseIsoDate(date) !== null, {
    error: (issue) =>
      `Invalid date ${quote(issue.input)}: expected a real calendar date as YYYY-MM-DD.`,
  })
  .nullish();

const fieldList = FORECAST_INPUT_FIELDS.map((field) => `"${field}"`).join(' and ');

/**
 * Input of a forecast job. The city is trimmed and must resolve in the city data set. The date
 * is optional and must be a real `YYYY-MM-DD` date. Every message names the value and the rule
 * it broke.
 */
export const forecastInputSchema = z.strictObject(
  { city: citySchema, date: dateSchema },
  {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        const noun = issue.keys.length === 1 ? 'field' : 'fields';
        const keys = issue.keys.map((key) => `"${key}"`).join(', ');
        return `Unknown ${noun} ${keys}: expected only ${fieldList}.`;
      }
      return (
        `Invalid forecast input ${quote(issue.input)}: ` +
        'expected an object with a "city" string and an optional "date".'
      );
    },
  },
);

/** A validated forecast input: the trimmed city and an optional `YYYY-MM-DD` date. */
export type ForecastInput = z.output<typeof forecastInputSchema>;
