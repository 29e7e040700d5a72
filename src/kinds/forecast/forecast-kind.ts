import { setTimeout as sleep } from 'node:timers/promises';
import { JobFailedError, type JobKind } from '../job-kind.js';
import { resolveCity } from './city-lookup.js';
import { tomorrowIn } from './forecast-date.js';
import { type ForecastInput, forecastInputSchema } from './forecast-input.js';
import { forecastFor, type WeatherForecast } from './weather-forecast.js';

export interface ForecastKindOptions {
  /** How long one forecast works, spread over its progress steps, in milliseconds. */
  durationMs: number;
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
}

const STEPS = ['Resolving city', 'Loading climate normals', 'Estimating temperature'] as const;

/**
 * The bundled job kind: a climatological temperature estimate for a city and a date. The work
 * is quick; `durationMs` stretches it over progress steps so that polling has something to see.
 */
export function createForecastKind(
  options: ForecastKindOptions,
): JobKind<ForecastInput, WeatherForecast> {
  const stepMs = options.durationMs / (STEPS.length + 1);
  return {
    name: 'forecast',
    inputSchema: forecastInputSchema,
    timeoutMs: options.timeoutMs,
    pollIntervalMs: Math.min(60_000, Math.max(1_000, options.durationMs / 4)),
    async process(input, context) {
      const city = resolveCity(input.city);
      if (!city) {
        throw new JobFailedError('unprocessable_input', `Unknown city "${input.city}".`);
      }
      // The default date comes from the submit time, so a second attempt gives the same answer.
      const date = input.date ?? tomorrowIn(city.timeZone, context.createdAt);
      for (const [index, step] of STEPS.entries()) {
        await context.reportProgress((index * 100) / (STEPS.length + 1), step);
        if (stepMs > 0) await sleep(stepMs, undefined, { signal: context.signal });
      }
      await context.reportProgress(100 - 100 / (STEPS.length + 1), 'Writing forecast');
      if (stepMs > 0) await sleep(stepMs, undefined, { signal: context.signal });
      return forecastFor(city, date);
    },
  };
}
