import { createHash } from 'node:crypto';

/** Maximum length of an idempotency key, in characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/** Default time an idempotency key is kept after its first use: 24 hours, in seconds. */
export const DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;

/** Visible ASCII and spaces, as header values carry them safely. */
const KEY_PATTERN = /^[\x20-\x7e]+$/;

/** Returns why a key is invalid, or null when it is valid. */
export function idempotencyKeyProblem(key: string): string | null {
  if (key.length === 0) return 'must not be empty';
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`;
  }
  if (!KEY_PATTERN.test(key)) return 'must contain only printable ASCII characters';
  return null;
}

/**
 * Reads an `Idempotency-Key` header value. The IETF httpapi draft defines it as a structured
 * field string (`"abc"`); an unquoted token is accepted too, because many clients send one.
 */
export function parseIdempotencyKeyHeader(value: string): string {
  // NOTE: a value with an unterminated quote or structured-field parameters is taken as a bare
  // key, and repeated headers arrive joined with ", " as one key.
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replaceAll(/\\(["\\])/g, '$1');
  }
  return trimmed;
}

/**
 * Returns the scope of a caller's idempotency keys: a hash of the `Authorization` header when
 * the request has one, so callers with different credentials never share keys, and one shared
 * scope for anonymous callers. The hash keeps credentials out of the database.
 */
export function callerScopeOf(headers: Headers): string {
  const authorization = headers.get('authorization');
  if (!authorization) return 'anonymous';
  return `auth:${createHash('sha256').update(authorization).digest('base64url')}`;
}

/** Hashes a job kind and its normalised input, to tell a retry from a different request. */
export function payloadFingerprint(kind: string, input: unknown): string {
  return createHash('sha256').update(canonicalJson({ kind, input })).digest('base64url');
}

/** JSON with object keys sorted, so that key order does not change the fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Orders strings by UTF-16 code units, the same on every machine whatever its locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
