/** A day of the proleptic Gregorian calendar, with month and day counted from 1. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1000;

/**
 * Parses a `YYYY-MM-DD` date with a year from 1000 to 9999. Returns null for any other shape and
 * for dates that do not exist, such as 2025-02-30 or 2025-02-29.
 */
export function parseIsoDate(value: string): CalendarDate | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < MIN_YEAR) return null;
  // Date.UTC rolls an out-of-range month or day over into the next, so a round trip finds them.
  const date = new Date(Date.UTC(year, month - 1, day));
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return exists ? { year, month, day } : null;
}

/**
 * Returns the calendar date after `from` in an IANA time zone, as `YYYY-MM-DD`.
 * Throws a RangeError for a time zone that Intl does not know.
 */
export function tomorrowIn(timeZone: string, from: Date): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(from);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((entry) => entry.type === type)?.value);
  const next = new Date(Date.UTC(part('year'), part('month') - 1, part('day') + 1));
  return next.toISOString().slice(0, 10);
}
