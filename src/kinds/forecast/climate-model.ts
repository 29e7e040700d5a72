/**
 * A climatological temperature estimate from latitude and day of year: a rough approximation of
 * typical surface air temperatures, not a weather forecast. It ignores altitude, oceans and
 * continentality, so coastal, high and desert cities can be off by several degrees.
 */

import { parseIsoDate } from './forecast-date.js';

/** Annual mean temperature at the equator, in °C. */
export const EQUATOR_MEAN_C = 28;
/** Fall of the annual mean with the square of latitude, in °C per degree². */
export const MEAN_DROP_PER_DEGREE_SQUARED = 0.0065;
/**
 * Seasonal amplitude (half the range from the coldest to the warmest day) per degree of latitude,
 * in °C per degree.
 */
export const SEASONAL_AMPLITUDE_PER_DEGREE = 0.25;
/** Day of year of the coldest day in the northern hemisphere (15 January), in days. */
export const COLDEST_DAY_NORTH = 15;
/** Mean length of a calendar year, in days. */
export const DAYS_PER_YEAR = 365.25;

const MS_PER_DAY = 86_400_000;

/**
 * Estimates the mean air temperature in °C, unrounded, for a latitude in degrees (north
 * positive) and a day of year (1 to 366). The equator gets no seasonal swing.
 */
export function estimateTemperatureC(latitude: number, dayOfYear: number): number {
  const annualMean = EQUATOR_MEAN_C - MEAN_DROP_PER_DEGREE_SQUARED * latitude ** 2;
  const amplitude = SEASONAL_AMPLITUDE_PER_DEGREE * Math.abs(latitude);
  const phase = (2 * Math.PI * (dayOfYear - COLDEST_DAY_NORTH)) / DAYS_PER_YEAR;
  // The southern hemisphere's seasons are half a year apart from the north's, so the sign flips.
  return annualMean - Math.sign(latitude) * amplitude * Math.cos(phase);
}

/** Upper bounds (exclusive, °C) of the summary words of the ASP.NET weather sample. */
const SUMMARY_BANDS: readonly (readonly [upperC: number, summary: string])[] = [
  [-10, 'Freezing'],
  [0, 'Bracing'],
  [6, 'Chilly'],
  [12, 'Cool'],
  [18, 'Mild'],
  [24, 'Warm'],
  [28, 'Balmy'],
  [33, 'Hot'],
  [38, 'Sweltering'],
];

/** Returns the summary word for a temperature in °C: "Freezing" below -10, "Scorching" from 38. */
export function summarize(temperatureC: number): string {
  const band = SUMMARY_BANDS.find(([upperC]) => temperatureC < upperC);
  return band ? band[1] : 'Scorching';
}

/**
 * Returns the day of year, 1 to 366, of a `YYYY-MM-DD` date in the UTC calendar.
 * Throws a RangeError for a string that `parseIsoDate` rejects.
 */
export function dayOfYear(isoDate: string): number {
  const date = parseIsoDate(isoDate);
  if (!date) {
    throw new RangeError(`Invalid date "${isoDate}": expected a real calendar date as YYYY-MM-DD.`);
  }
  const elapsedMs = Date.UTC(date.year, date.month - 1, date.day) - Date.UTC(date.year, 0, 1);
  return elapsedMs / MS_PER_DAY + 1;
}
