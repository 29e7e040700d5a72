import { describe, expect, it } from 'vitest';
import {
  dayOfYear,
  estimateTemperatureC,
  summarize,
} from '../../../src/kinds/forecast/climate-model.js';

describe('estimateTemperatureC', () => {
  it('has no swing at the equator', () => {
    expect(estimateTemperatureC(0, 15)).toBe(28);
    expect(estimateTemperatureC(0, 196)).toBe(28);
  });

  it('is coldest mid-January in the north', () => {
    const january = estimateTemperatureC(45, 15);
    expect(january).toBeLessThan(estimateTemperatureC(45, 1));
    expect(january).toBeLessThan(estimateTemperatureC(45, 30));
    expect(january).toBeLessThan(estimateTemperatureC(45, 196));
  });

  it('is warmest mid-January in the south', () => {
    const january = estimateTemperatureC(-34, 15);
    expect(january).toBeGreaterThan(estimateTemperatureC(-34, 1));
    expect(january).toBeGreaterThan(estimateTemperatureC(-34, 30));
    expect(january).toBeGreaterThan(estimateTemperatureC(-34, 196));
  });

  it('follows the formula', () => {
    // mean 28 - 0.0065 * 60² = 4.6, amplitude 0.25 * 60 = 15, cos(0) = 1
    expect(estimateTemperatureC(60, 15)).toBeCloseTo(-10.4, 10);
    expect(estimateTemperatureC(-60, 15)).toBeCloseTo(19.6, 10);
  });

  it('returns unrounded values', () => {
    expect(Number.isInteger(estimateTemperatureC(47.57, 312))).toBe(false);
  });

  it('is symmetric between hemispheres half a year apart', () => {
    const north = estimateTemperatureC(40, 15);
    const south = estimateTemperatureC(-40, 15 + 365.25 / 2);
    expect(south).toBeCloseTo(north, 10);
  });
});

describe('summarize', () => {
  it('maps each band to its word', () => {
    const cases: [number, string][] = [
      [-40, 'Freezing'],
      [-10.01, 'Freezing'],
      [-10, 'Bracing'],
      [-0.01, 'Bracing'],
      [0, 'Chilly'],
      [5.99, 'Chilly'],
      [6, 'Cool'],
      [12, 'Mild'],
      [18, 'Warm'],
      [24, 'Balmy'],
      [28, 'Hot'],
      [33, 'Sweltering'],
      [37.99, 'Sweltering'],
      [38, 'Scorching'],
      [55, 'Scorching'],
    ];
    for (const [celsius, word] of cases) {
      expect(summarize(celsius), `${celsius} °C`).toBe(word);
    }
  });
});

describe('dayOfYear', () => {
  it('counts from 1 January', () => {
    expect(dayOfYear('2025-01-01')).toBe(1);
    expect(dayOfYear('2025-02-01')).toBe(32);
    expect(dayOfYear('2025-11-08')).toBe(312);
    expect(dayOfYear('2025-12-31')).toBe(365);
  });

  it('counts the leap day', () => {
    expect(dayOfYear('2024-02-29')).toBe(60);
    expect(dayOfYear('2024-03-01')).toBe(61);
    expect(dayOfYear('2024-12-31')).toBe(366);
  });

  it('rejects an impossible date', () => {
    expect(() => dayOfYear('2025-02-30')).toThrow(RangeError);
    expect(() => dayOfYear('2025-02-30')).toThrow('2025-02-30');
  });
});
