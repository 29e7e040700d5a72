import { z } from 'zod';
import { resolveCity } from './city-lookup.js';
import { parseIsoDate } from './forecast-date.js';

export const MAX_CITY_LENGTH = 100;
export const FORECAST_INPUT_FIELDS = ['city', 'date'] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * Input of a forecast job. The city must resolve in the city data set; the date is optional and
 * must be a real `YYYY-MM-DD` date. Every message names the value and the rule it broke.
 */
export const forecastInputSchema = z.strictObject({
  city: z
    .string({ error: (issue) => `Invalid city ${JSON.stringify(issue.input)}: expected a string.` })
    .trim()
    .min(1, { error: 'Invalid city "": expected 1 to 100 characters.' })
    .max(MAX_CITY_LENGTH, {
      error: (issue) =>
        `Invalid city: ${String(issue.input).length} characters, expected at most ${MAX_CITY_LENGTH}.`,
    })
    .refine((city) => !CONTROL_CHARACTERS.test(city), {
      error: (issue) =>
        `Invalid city ${JSON.stringify(issue.input)}: control characters are not allowed.`,
    })
    .refine((city) => resolveCity(city) !== null, {
      error: (issue) =>
        `Unknown city ${JSON.stringify(issue.input)}. Use a city name such as "Seattle", ` +
        'optionally with a country code: "Paris, FR".',
      abort: true,
    }),
  date: z
    .string({ error: (issue) => `Invalid date ${JSON.stringify(issue.input)}: expected a string.` })
    .refine((date) => parseIsoDate(date) !== null, {
      error: (issue) =>
        `Invalid date ${JSON.stringify(issue.input)}: expected a real calendar date as YYYY-MM-DD.`,
    })
    .nullish(),
});

export type ForecastInput = z.output<typeof forecastInputSchema>;
