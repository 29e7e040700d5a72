import type { ResolvedCity } from './city-lookup.js';
import { dayOfYear, estimateTemperatureC, summarize } from './climate-model.js';

/** Result of a forecast job: the fields of the ASP.NET weather sample plus where the city is. */
export interface WeatherForecast {
  /** Resolved city name, such as `Seattle`. */
  city: string;
  /** ISO 3166-1 alpha-2 code. */
  country: string;
  /** `YYYY-MM-DD`. */
  date: string;
  /** Degrees, north positive, rounded to 4 decimals. */
  latitude: number;
  /** Degrees, east positive, rounded to 4 decimals. */
  longitude: number;
  /** Whole °C. */
  temperatureC: number;
  /** Whole °F, converted from the unrounded °C so that it does not round twice. */
  temperatureF: number;
  /** A word for the temperature, such as `Cool`. */
  summary: string;
}

const COORDINATE_DECIMALS = 4;

/**
 * Computes the forecast of a city on a `YYYY-MM-DD` date. The same city and date always give the
 * same result. Throws a RangeError for an invalid date.
 */
export function forecastFor(city: ResolvedCity, isoDate: string): WeatherForecast {
  const celsius = estimateTemperatureC(city.latitude, dayOfYear(isoDate));
  return {
    city: city.name,
    country: city.country,
    date: isoDate,
    latitude: roundTo(city.latitude, COORDINATE_DECIMALS),
    longitude: roundTo(city.longitude, COORDINATE_DECIMALS),
    temperatureC: Math.round(celsius),
    temperatureF: Math.round(32 + (celsius * 9) / 5),
    summary: summarize(celsius),
  };
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
