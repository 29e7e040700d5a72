import cityTimezones from 'city-timezones';

/** A city from the city-timezones data set (about 7,300 cities with their population). */
export interface ResolvedCity {
  name: string;
  /** ISO 3166-1 alpha-2 code, such as `US`. */
  country: string;
  countryName: string;
  province: string | null;
  latitude: number;
  longitude: number;
  /** IANA time zone, such as `America/Los_Angeles`. */
  timeZone: string;
}

type CityRecord = (typeof cityTimezones.cityMapping)[number];

let citiesByName: Map<string, CityRecord[]> | undefined;

/** Lower-cases and strips accents, so "São Paulo" and "sao paulo" compare equal. */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();
}

/** Builds the name index once, on first use: each city under its name and its ASCII name. */
function index(): Map<string, CityRecord[]> {
  if (citiesByName) return citiesByName;
  citiesByName = new Map();
  for (const city of cityTimezones.cityMapping) {
    for (const name of new Set([normalize(city.city), normalize(city.city_ascii)])) {
      const entries = citiesByName.get(name) ?? [];
      entries.push(city);
      citiesByName.set(name, entries);
    }
  }
  for (const entries of citiesByName.values()) entries.sort((a, b) => b.pop - a.pop);
  return citiesByName;
}

function matchesQualifier(city: CityRecord, qualifier: string): boolean {
  const candidates = [city.iso2, city.iso3, city.country, city.province, city.state_ansi];
  return candidates.some((candidate) => candidate && normalize(candidate) === qualifier);
}

/**
 * Finds a city by name, optionally qualified after a comma by a country (code or name) or a
 * province or state: "Portland, ME". When several cities match, the most populous one wins.
 */
export function resolveCity(query: string): ResolvedCity | null {
  const [namePart = '', ...rest] = query.split(',');
  const qualifier = normalize(rest.join(','));
  const candidates = index().get(normalize(namePart)) ?? [];
  const city = qualifier
    ? candidates.find((candidate) => matchesQualifier(candidate, qualifier))
    : candidates[0];
  if (!city) return null;
  return {
    name: city.city,
    country: city.iso2,
    countryName: city.country,
    province: city.province || null,
    latitude: city.lat,
    longitude: city.lng,
    timeZone: city.timezone,
  };
}
