import { describe, expect, it } from 'vitest';
import { resolveCity } from '../../../src/kinds/forecast/city-lookup.js';
import type { ForecastInput } from '../../../src/kinds/forecast/forecast-input.js';
import { createForecastKind } from '../../../src/kinds/forecast/forecast-kind.js';
import { forecastFor } from '../../../src/kinds/forecast/weather-forecast.js';
import { JobFailedError, type ProcessContext } from '../../../src/kinds/job-kind.js';

interface ProgressReport {
  percent: number;
  message: string;
}

/** Creates a process context that records progress and calls `onProgress` after each report. */
function createContext(
  options: {
    createdAt?: Date;
    signal?: AbortSignal;
    attempt?: number;
    onProgress?: (report: ProgressReport) => void;
  } = {},
) {
  const reports: ProgressReport[] = [];
  const context: ProcessContext = {
    jobId: 'test-job',
    attempt: options.attempt ?? 1,
    createdAt: options.createdAt ?? new Date('2025-11-08T09:00:00Z'),
    signal: options.signal ?? new AbortController().signal,
    reportProgress: async (percent, message) => {
      reports.push({ percent, message });
      options.onProgress?.({ percent, message });
    },
  };
  return { context, reports };
}

function run(input: ForecastInput, options: Parameters<typeof createContext>[0] = {}) {
  const kind = createForecastKind({ durationMs: 0, timeoutMs: 60_000 });
  const { context, reports } = createContext(options);
  return { result: kind.process(input, context), reports };
}

describe('createForecastKind', () => {
  it('describes the forecast kind', () => {
    const kind = createForecastKind({ durationMs: 8_000, timeoutMs: 30_000 });
    expect(kind.name).toBe('forecast');
    expect(kind.timeoutMs).toBe(30_000);
    expect(kind.pollIntervalMs).toBe(2_000);
  });

  it('clamps the poll interval', () => {
    expect(createForecastKind({ durationMs: 0, timeoutMs: 1 }).pollIntervalMs).toBe(1_000);
    const long = createForecastKind({ durationMs: 3_600_000, timeoutMs: 1 });
    expect(long.pollIntervalMs).toBe(60_000);
  });

  it('validates with the input schema', () => {
    const kind = createForecastKind({ durationMs: 0, timeoutMs: 1 });
    expect(kind.inputSchema.safeParse({ city: 'Seattle' }).success).toBe(true);
    expect(kind.inputSchema.safeParse({ city: 'Atlantis' }).success).toBe(false);
  });
});

describe('forecast processor', () => {
  it('forecasts Seattle in November', async () => {
    const { result } = run({ city: 'Seattle', date: '2025-11-08' });
    const forecast = await result;
    expect(forecast.city).toBe('Seattle');
    expect(forecast.country).toBe('US');
    expect(forecast.date).toBe('2025-11-08');
    expect(forecast.temperatureC).toBeGreaterThan(0);
    expect(forecast.temperatureC).toBeLessThan(15);
    expect(forecast).toEqual({
      city: 'Seattle',
      country: 'US',
      date: '2025-11-08',
      latitude: 47.57,
      longitude: -122.34,
      temperatureC: 9,
      temperatureF: 48,
      summary: 'Cool',
    });
  });

  it('gives the same output twice', async () => {
    const input = { city: 'Seattle' };
    const first = await run(input, { attempt: 1 }).result;
    const second = await run(input, { attempt: 2 }).result;
    expect(second).toEqual(first);
  });

  it('defaults to tomorrow in the city', async () => {
    // 06:00 UTC on 8 November is still 7 November in Seattle, but already 8 November in Paris.
    const createdAt = new Date('2025-11-08T06:00:00Z');
    const seattle = await run({ city: 'Seattle' }, { createdAt }).result;
    const paris = await run({ city: 'Paris', date: null }, { createdAt }).result;
    expect(seattle.date).toBe('2025-11-08');
    expect(paris.date).toBe('2025-11-09');
  });

  it('uses an explicit date', async () => {
    const createdAt = new Date('2025-11-08T06:00:00Z');
    const forecast = await run({ city: 'Seattle', date: '2026-07-04' }, { createdAt }).result;
    expect(forecast.date).toBe('2026-07-04');
  });

  it('reports progress up to 100', async () => {
    const { result, reports } = run({ city: 'Seattle', date: '2025-11-08' });
    await result;
    const percents = reports.map((report) => report.percent);
    for (let index = 1; index < percents.length; index++) {
      expect(percents[index], `report ${index}`).toBeGreaterThan(percents[index - 1] ?? -1);
    }
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(reports.map((report) => report.message)).toEqual([
      'Resolving city',
      'Loading climate normals',
      'Estimating temperature',
      'Writing forecast',
      'Forecast ready',
    ]);
  });

  it('spreads the steps over durationMs', async () => {
    const kind = createForecastKind({ durationMs: 200, timeoutMs: 60_000 });
    const { context } = createContext();
    const started = performance.now();
    await kind.process({ city: 'Seattle', date: '2025-11-08' }, context);
    // Timers may fire a little early, so the bound leaves a few milliseconds of slack.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('stops when aborted mid-run', async () => {
    const kind = createForecastKind({ durationMs: 10_000, timeoutMs: 60_000 });
    const controller = new AbortController();
    let abortedAt = 0;
    const { context, reports } = createContext({
      signal: controller.signal,
      onProgress: () => {
        // Aborts once the first wait has started, which is after this report returns.
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, 20);
      },
    });
    const processing = kind.process({ city: 'Seattle' }, context);
    await expect(processing).rejects.toMatchObject({ name: 'AbortError' });
    // Each step waits 2,500 ms, so a rejection well before that came from the abort.
    expect(performance.now() - abortedAt).toBeLessThan(2_000);
    expect(reports.map((report) => report.percent)).toEqual([0]);
  });

  it('rejects an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const { result } = run({ city: 'Seattle' }, { signal: controller.signal });
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails an unresolvable city', async () => {
    const { result, reports } = run({ city: 'Atlantis' });
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).code).toBe('unprocessable_input');
    expect((error as JobFailedError).message).toContain('"Atlantis"');
    expect(reports).toEqual([]);
  });
});

describe('forecastFor', () => {
  it('is warmer in January in Sydney', () => {
    const sydney = resolveCity('Sydney');
    if (!sydney) throw new Error('Sydney is missing from the city data set.');
    const january = forecastFor(sydney, '2025-01-15');
    const july = forecastFor(sydney, '2025-07-15');
    expect(january.temperatureC).toBeGreaterThan(july.temperatureC);
  });

  it('converts the unrounded temperature', () => {
    const seattle = resolveCity('Seattle');
    if (!seattle) throw new Error('Seattle is missing from the city data set.');
    // About 1.74 °C is 35.1 °F, while the rounded 2 °C would give 35.6 °F and round to 36.
    const forecast = forecastFor(seattle, '2025-01-01');
    expect(forecast.temperatureC).toBe(2);
    expect(forecast.temperatureF).toBe(35);
  });

  it('rounds coordinates to 4 decimals', () => {
    const sydney = resolveCity('Sydney');
    if (!sydney) throw new Error('Sydney is missing from the city data set.');
    const forecast = forecastFor(sydney, '2025-01-15');
    expect(forecast.latitude).toBe(-33.92);
    expect(forecast.longitude).toBe(151.1852);
  });
});
