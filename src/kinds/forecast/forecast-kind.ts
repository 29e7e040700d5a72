import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_DEADLINE_MS, JobFailedError, type JobKind } from '../job-kind.js';
import { resolveCity } from './city-lookup.js';
import { tomorrowIn } from './forecast-date.js';
import { type ForecastInput, forecastInputSchema } from './forecast-input.js';
import { forecastFor, type WeatherForecast } from './weather-forecast.js';

export interface ForecastKindOptions {
  /** How long one forecast works, spread evenly over its progress steps, in milliseconds. */
  durationMs: number;
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
  /** Attempts in all for retryable failures, such as timeouts. Default 3. */
  maxAttempts?: number;
  /** Time a job may wait in the queue, in milliseconds. Default DEFAULT_DEADLINE_MS. */
  deadlineMs?: number;
}

/** First retry wait of a forecast, in milliseconds; later waits double up to the max. */
const RETRY_INITIAL_DELAY_MS = 1_000;
const RETRY_MAX_DELAY_MS = 30_000;

/** Progress messages. Step i starts at i * 25 percent, and 100 percent follows the last. */
const STEPS = [
  'Resolving city',
  'Loading climate normals',
  'Estimating temperature',
  'Writing forecast',
] as const;
const DONE_MESSAGE = 'Forecast ready';
const MIN_POLL_INTERVAL_MS = 1_000;
const MAX_POLL_INTERVAL_MS = 60_000;

/** Waits, or rejects with the signal's abort error as soon as it aborts, even for 0 ms. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (ms > 0) await sleep(ms, undefined, { signal });
}

/**
 * Creates the bundled job kind: a climatological temperature estimate for a city and a date.
 * The work itself is instant, and `durationMs` stretches it over four progress steps so that
 * clients have something to poll.
 */
export function createForecastKind(
  options: ForecastKindOptions,
): JobKind<ForecastInput, WeatherForecast> {
  const stepMs = options.durationMs / STEPS.length;
  const pollIntervalMs = Math.min(
    MAX_POLL_INTERVAL_MS,
    Math.max(MIN_POLL_INTERVAL_MS, options.durationMs / 4),
  );
  return {
    name: 'forecast',
    inputSchema: forecastInputSchema,
    timeoutMs: options.timeoutMs,
    pollIntervalMs,
    retry: {
      maxAttempts: options.maxAttempts ?? 3,
      initialDelayMs: RETRY_INITIAL_DELAY_MS,
      maxDelayMs: RETRY_MAX_DELAY_MS,
    },
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    async process(input, context) {
      const city = resolveCity(input.city);
      if (!city) {
        // The input was validated at submit, so this runs only if the city data set changed since.
        throw new JobFailedError(
          'unprocessable_input',
          `Unknown city ${JSON.stringify(input.city)}: it no longer resolves in the city data ` +
            'set. Submit a new job with a city name such as "Seattle".',
        );
      }
      // The default date derives from the submit time, not the clock, so a retry gives the same
      // result.
      const date = input.date ?? tomorrowIn(city.timeZone, context.createdAt);
      for (const [index, step] of STEPS.entries()) {
        await context.reportProgress((index * 100) / STEPS.length, step);
        await pause(stepMs, context.signal);
      }
      await context.reportProgress(100, DONE_MESSAGE);
      return forecastFor(city, date);
    },
  };
}
