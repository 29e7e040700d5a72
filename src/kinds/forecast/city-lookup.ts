import cityTimezones from 'city-timezones';

/** A city from the city-timezones data set (about 7,300 cities with their population). */
export interface ResolvedCity {
  name: string;
  /** ISO 3166-1 alpha-2 code, such as `US`, or `XK` for Kosovo. */
  country: string;
  countryName: string;
  /** Province or state, such as `Oregon`, or null when the data set has none. */
  province: string | null;
  /** Degrees, north positive. */
  latitude: number;
  /** Degrees, east positive. */
  longitude: number;
  /** IANA time zone, such as `America/Los_Angeles`. */
  timeZone: string;
}

/**
 * A record as city-timezones 1.3.4 ships it. Its type declarations promise more than the data
 * holds: a few records have `-99` or an empty string as `iso2`, an empty `timezone`, or no
 * `state_ansi`.
 */
interface CityRecord {
  city: string;
  city_ascii: string;
  lat: number;
  lng: number;
  pop: number;
  country: string;
  iso2: string | number;
  iso3: string;
  province: string;
  state_ansi?: string;
  timezone: string;
}

/**
 * Alpha-2 codes for the countries whose records have no usable `iso2`, by `iso3`. `XK` is the
 * user-assigned code that CLDR region names use for Kosovo. Somaliland is part of Somalia in
 * ISO 3166, and its records already use Somalia's time zone.
 */
const ALPHA2_BY_ISO3: Readonly<Record<string, string>> = { KOS: 'XK', SOL: 'SO' };
/** The CLDR code for an unknown region. */
const UNKNOWN_REGION = 'ZZ';

let citiesByName: Map<string, CityRecord[]> | undefined;

/** Lower-cases, strips accents and collapses whitespace, so "São  Paulo" equals "sao paulo". */
function normalize(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * Returns true for a record at latitude 0, longitude 0, where no city is. In city-timezones
 * 1.3.4 that is only Oymyakon, a Siberian village that would otherwise get equatorial heat.
 */
function hasPlaceholderCoordinates(city: CityRecord): boolean {
  return city.lat === 0 && city.lng === 0;
}

/**
 * Builds the name index on first use: each city under its name and its ASCII name, the most
 * populous first.
 */
function cityIndex(): Map<string, CityRecord[]> {
  if (citiesByName) return citiesByName;
  citiesByName = new Map();
  for (const city of cityTimezones.cityMapping as readonly CityRecord[]) {
    if (hasPlaceholderCoordinates(city)) continue;
    for (const name of new Set([normalize(city.city), normalize(city.city_ascii)])) {
      const entries = citiesByName.get(name) ?? [];
      entries.push(city);
      citiesByName.set(name, entries);
    }
  }
  for (const entries of citiesByName.values()) entries.sort((a, b) => b.pop - a.pop);
  return citiesByName;
}

function countryCode(city: CityRecord): string {
  if (typeof city.iso2 === 'string' && /^[A-Z]{2}$/.test(city.iso2)) return city.iso2;
  return ALPHA2_BY_ISO3[city.iso3] ?? UNKNOWN_REGION;
}

/**
 * Returns the city's IANA zone. The 47 indexed records without one, 40 of them Antarctic
 * stations, get the fixed-offset zone nearest their longitude.
 */
function timeZoneOf(city: CityRecord): string {
  if (city.timezone) return city.timezone;
  // NOTE: solar time can differ from the legal zone by an hour or more (Perm is UTC+5, not +4).
  const hoursEast = Math.round(city.lng / 15);
  if (hoursEast === 0) return 'UTC';
  // The POSIX-style Etc zones invert the sign: Etc/GMT-4 is four hours east of UTC.
  return `Etc/GMT${hoursEast > 0 ? '-' : '+'}${Math.abs(hoursEast)}`;
}

/**
 * Checks a qualifier such as "OR", "Oregon, US" or "Southern Nations, Nationalities and
 * Peoples" against the city's country code, country name, province and state code. A qualifier
 * matches when it equals one of them as a whole, or when each comma-separated part does.
 */
function matchesQualifier(city: CityRecord, qualifier: string): boolean {
  const whole = normalize(qualifier);
  if (whole === '') return true;
  const names = [countryCode(city), city.iso3, city.country, city.province, city.state_ansi ?? '']
    .filter((name) => name !== '')
    .map(normalize);
  if (names.includes(whole)) return true;
  return qualifier.split(',').every((part) => names.includes(normalize(part)));
}

function toResolvedCity(city: CityRecord): ResolvedCity {
  return {
    name: city.city,
    country: countryCode(city),
    countryName: city.country,
    province: city.province || null,
    latitude: city.lat,
    longitude: city.lng,
    timeZone: timeZoneOf(city),
  };
}

/**
 * Finds a city by name, ignoring case, accents and surrounding whitespace. A qualifier may follow a
 * comma: a country code or name ("Seattle, US", "Seattle, USA") or a province or state
 * ("Portland, Maine", "Portland, ME"). When several cities match, the most populous one wins.
 * Returns null when no city matches.
 */
export function resolveCity(query: string): ResolvedCity | null {
  const parts = query.split(',');
  // The longest name is tried first, because a few names contain a comma ("Washington, D.C.").
  for (let nameParts = parts.length; nameParts >= 1; nameParts--) {
    const candidates = cityIndex().get(normalize(parts.slice(0, nameParts).join(',')));
    if (!candidates) continue;
    const qualifier = parts.slice(nameParts).join(',');
    const city = candidates.find((candidate) => matchesQualifier(candidate, qualifier));
    if (city) return toResolvedCity(city);
  }
  return null;
}
