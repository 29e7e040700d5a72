import type { ResolvedCity } from './city-lookup.js';
import { dayOfYear, estimateTemperatureC, summarize } from './climate-model.js';

/** Result of a forecast job: the original sample's fields plus where the city is. */
export interface WeatherForecast {
  city: string;
  /** ISO 3166-1 alpha-2 code. */
  country: string;
  /** `YYYY-MM-DD`. */
  date: string;
  latitude: number;
  longitude: number;
  temperatureC: number;
  temperatureF: number;
  summary: string;
}

/** Computes the forecast; the same city and date always give the same result. */
export function forecastFor(city: ResolvedCity, isoDate: string): WeatherForecast {
  const celsius = estimateTemperatureC(city.latitude, dayOfYear(isoDate));
  return {
    city: city.name,
    country: city.country,
    date: isoDate,
    latitude: roundTo(city.latitude, 4),
    longitude: roundTo(city.longitude, 4),
    temperatureC: Math.round(celsius),
    temperatureF: Math.round(32 + (celsius * 9) / 5),
    summary: summarize(celsius),
  };
}

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
