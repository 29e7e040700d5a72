/** Default minimum wait between two polls, in ms, whatever Retry-After requests. */
export const MIN_POLL_DELAY_MS = 1_000;
/** Default maximum wait between two polls, in ms, so a far-off Retry-After cannot stall a poll. */
export const MAX_POLL_DELAY_MS = 60_000;
/** Wait between two polls when the server sends no Retry-After, in ms. */
export const DEFAULT_POLL_DELAY_MS = 1_000;

/** Bounds of the wait between two polls, in ms; the client option `pollDelayBounds`. */
export interface PollDelayBounds {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_POLL_DELAY_BOUNDS: PollDelayBounds = {
  minMs: MIN_POLL_DELAY_MS,
  maxMs: MAX_POLL_DELAY_MS,
};

const DELAY_SECONDS = /^\d+$/;
// The three HTTP-date formats of RFC 9110, section 5.6.7, which recipients must all accept.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Parses a Retry-After value (RFC 9110, section 10.2.3) into the requested wait, in ms.
 * Delay-seconds give that many seconds; an HTTP date gives the time from `nowMs` until then, or
 * 0 for a date in the past. Returns undefined for a missing or invalid value.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs = Date.now()) {
  const text = value?.trim();
  if (!text) return undefined;
  if (DELAY_SECONDS.test(text)) return Number(text) * 1000;

  let dateMs = Number.NaN;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) dateMs = Date.parse(text);
  // asctime dates carry no zone but are GMT; without the suffix Date.parse would read local time.
  else if (ASCTIME_DATE.test(text)) dateMs = Date.parse(`${text} GMT`);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** Clamps a wait to the bounds, in ms. */
export function clampPollDelay(
  delayMs: number,
  bounds: PollDelayBounds = DEFAULT_POLL_DELAY_BOUNDS,
) {
  return Math.min(bounds.maxMs, Math.max(bounds.minMs, delayMs));
}
