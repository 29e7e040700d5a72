import { createHash } from 'node:crypto';

/**
 * Returns a SHA-256 hash of the request's `Authorization` header, or null when it has none.
 * Idempotency keys and poll budgets use it to tell callers apart without storing credentials.
 */
export function credentialsHash(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  if (!authorization) return null;
  return createHash('sha256').update(authorization).digest('base64url');
}
