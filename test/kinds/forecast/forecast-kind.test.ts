import { describe, expect, it } from 'vitest';
import { createForecastKind } from '../../../src/kinds/forecast/forecast-kind.js';
import type { ProcessContext } from '../../../src/kinds/job-kind.js';

function contextWith(overrides: Partial<ProcessContext> = {}) {
  const progress: [number, string][] = [];
  const context: ProcessContext = {
    jobId: 'test',
    attempt: 1,
    createdAt: new Date('2025-11-08T12:00:00Z'),
    signal: new AbortController().signal,
    reportProgress: async (percent, message) => {
      progress.push([percent, message]);
    },
    ...overrides,
  };
  return { context, progress };
}

describe('forecast kind', () => {
  const kind = createForecastKind({ durationMs: 0, timeoutMs: 1000 });

  it('forecasts Seattle on a date', async () => {
    const { context } = contextWith();
    const forecast = await kind.process({ city: 'Seattle', date: '2025-11-08' }, context);
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

  it('gives the same result twice', async () => {
    const first = await kind.process({ city: 'Oslo', date: '2025-01-15' }, contextWith().context);
    const second = await kind.process({ city: 'Oslo', date: '2025-01-15' }, contextWith().context);
    expect(second).toEqual(first);
  });

  it('defaults to tomorrow in the city', async () => {
    const { context } = contextWith({ createdAt: new Date('2025-11-09T06:30:00Z') });
    const forecast = await kind.process({ city: 'Seattle' }, context);
    expect(forecast.date).toBe('2025-11-09');
  });

  it('reports progress in increasing steps', async () => {
    const { context, progress } = contextWith();
    await kind.process({ city: 'Seattle' }, context);
    const percents = progress.map(([percent]) => percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.length).toBeGreaterThanOrEqual(3);
    expect(progress.every(([, message]) => message.length > 0)).toBe(true);
  });

  it('stops when its signal aborts', async () => {
    const slowKind = createForecastKind({ durationMs: 60_000, timeoutMs: 120_000 });
    const controller = new AbortController();
    const { context } = contextWith({ signal: controller.signal });
    const running = slowKind.process({ city: 'Seattle' }, context);
    controller.abort(new Error('cancelled by test'));
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with unprocessable_input for an unknown city', async () => {
    await expect(kind.process({ city: 'Atlantis' }, contextWith().context)).rejects.toMatchObject({
      code: 'unprocessable_input',
    });
  });

  it('suggests polling about four times per run', () => {
    expect(createForecastKind({ durationMs: 8_000, timeoutMs: 1 }).pollIntervalMs).toBe(2_000);
    expect(createForecastKind({ durationMs: 0, timeoutMs: 1 }).pollIntervalMs).toBe(1_000);
  });
});
