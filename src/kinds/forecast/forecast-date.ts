const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a `YYYY-MM-DD` calendar date, years 1000 to 9999. Returns null for any other shape and
 * for dates that do not exist, such as 2025-02-30.
 */
export function parseIsoDate(value: string): { year: number; month: number; day: number } | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1000) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  const exists =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return exists ? { year, month, day } : null;
}

/** Returns the calendar date after `from` in an IANA time zone, as `YYYY-MM-DD`. */
export function tomorrowIn(timeZone: string, from: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(from);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value);
  const next = new Date(Date.UTC(part('year'), part('month') - 1, part('day') + 1));
  return next.toISOString().slice(0, 10);
}
