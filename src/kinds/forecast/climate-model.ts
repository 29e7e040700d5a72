/**
 * A climatological temperature estimate from latitude and day of year. It is a smooth fit of
 * typical surface temperatures, not a weather forecast: it ignores altitude, oceans and
 * continentality, so coastal, high and desert cities can be off by several degrees.
 */

/** Annual mean at the equator, in °C. */
export const EQUATOR_MEAN_C = 28;
/** How fast the annual mean falls with latitude: mean = 28 - 0.0065 * latitude², in °C/deg². */
export const MEAN_DROP_PER_DEGREE_SQUARED = 0.0065;
/** Half the seasonal range per degree of latitude, in °C/deg. */
export const SEASONAL_AMPLITUDE_PER_DEGREE = 0.25;
/** Day of year of the coldest day in the northern hemisphere (about 15 January). */
export const COLDEST_DAY_NORTH = 15;
const DAYS_PER_YEAR = 365.25;

/** Estimates the mean temperature in °C for a latitude (degrees, north positive) and day. */
export function estimateTemperatureC(latitude: number, dayOfYear: number): number {
  const annualMean = EQUATOR_MEAN_C - MEAN_DROP_PER_DEGREE_SQUARED * latitude ** 2;
  const amplitude = SEASONAL_AMPLITUDE_PER_DEGREE * Math.abs(latitude);
  const phase = (2 * Math.PI * (dayOfYear - COLDEST_DAY_NORTH)) / DAYS_PER_YEAR;
  // The southern hemisphere's seasons are shifted by half a year, so the swing changes sign.
  return annualMean - Math.sign(latitude) * amplitude * Math.cos(phase);
}

/** Upper bounds (exclusive, °C) of the summary words of the ASP.NET weather sample. */
const SUMMARY_BANDS: readonly [number, string][] = [
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

export function summarize(temperatureC: number): string {
  return SUMMARY_BANDS.find(([upper]) => temperatureC < upper)?.[1] ?? 'Scorching';
}

/** Returns the day of year, 1 to 366, of a `YYYY-MM-DD` date in the UTC calendar. */
export function dayOfYear(isoDate: string): number {
  const date = Date.parse(`${isoDate}T00:00:00Z`);
  const startOfYear = Date.UTC(Number(isoDate.slice(0, 4)), 0, 1);
  return Math.floor((date - startOfYear) / 86_400_000) + 1;
}
