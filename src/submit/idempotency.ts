import { createHash } from 'node:crypto';
import { credentialsHash } from '../http/credentials.js';

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
 * Reads an `Idempotency-Key` header value, or returns null when it is malformed. The IETF
 * httpapi draft defines it as a structured field string: `"abc"`, with `\"` and `\\` escapes and
 * optional `;` parameters, which are ignored. An unquoted value is accepted too, because many
 * clients send one, but it must not contain a quote or a comma. Repeated headers arrive joined
 * with ", ", so they never read as one key.
 */
export function parseIdempotencyKeyHeader(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed.startsWith('"')) return /[",]/.test(trimmed) ? null : trimmed;
  let key = '';
  for (let index = 1; index < trimmed.length; index += 1) {
    const character = trimmed[index];
    if (character === '\\') {
      const escaped = trimmed[index + 1];
      if (escaped !== '"' && escaped !== '\\') return null;
      key += escaped;
      index += 1;
    } else if (character === '"') {
      const rest = trimmed.slice(index + 1).trim();
      return rest === '' || rest.startsWith(';') ? key : null;
    } else {
      key += character;
    }
  }
  return null;
}

/**
 * Returns the scope of a caller's idempotency keys: a hash of the `Authorization` header when
 * the request has one, so callers with different credentials never share keys, and one shared
 * scope for anonymous callers. The hash keeps credentials out of the database.
 */
export function callerScopeOf(headers: Headers): string {
  const hash = credentialsHash(headers.get('authorization'));
  return hash === null ? 'anonymous' : `auth:${hash}`;
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
