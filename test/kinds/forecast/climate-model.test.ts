import { describe, expect, it } from 'vitest';
import {
  dayOfYear,
  estimateTemperatureC,
  summarize,
} from '../../../src/kinds/forecast/climate-model.js';

describe('estimateTemperatureC', () => {
  it('is warmest near the equator', () => {
    expect(estimateTemperatureC(0, 1)).toBeCloseTo(28, 5);
    expect(estimateTemperatureC(60, 1)).toBeLessThan(estimateTemperatureC(30, 1));
  });

  it('is coldest in January in the north', () => {
    expect(estimateTemperatureC(47.57, dayOfYear('2025-01-15'))).toBeLessThan(
      estimateTemperatureC(47.57, dayOfYear('2025-07-15')),
    );
  });

  it('is warmest in January in the south', () => {
    expect(estimateTemperatureC(-33.92, dayOfYear('2025-01-15'))).toBeGreaterThan(
      estimateTemperatureC(-33.92, dayOfYear('2025-07-15')),
    );
  });

  it('gives the same answer every time', () => {
    const first = estimateTemperatureC(47.57, 312);
    const second = estimateTemperatureC(47.57, 312);
    expect(second).toBe(first);
  });
});

describe('summarize', () => {
  it.each([
    [-20, 'Freezing'],
    [-10, 'Bracing'],
    [0, 'Chilly'],
    [9, 'Cool'],
    [15, 'Mild'],
    [20, 'Warm'],
    [27, 'Balmy'],
    [30, 'Hot'],
    [35, 'Sweltering'],
    [38, 'Scorching'],
  ])('names %d °C %s', (celsius, word) => {
    expect(summarize(celsius)).toBe(word);
  });
});

describe('dayOfYear', () => {
  it('counts from 1 January', () => {
    expect(dayOfYear('2025-01-01')).toBe(1);
    expect(dayOfYear('2025-11-08')).toBe(312);
    expect(dayOfYear('2024-12-31')).toBe(366);
  });
});
