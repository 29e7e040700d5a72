import { createHash } from 'node:crypto';

/**
 * Returns a SHA-256 hash of a request's `Authorization` header value, or null when it has none.
 * Idempotency keys and poll budgets use it to tell callers apart without storing credentials.
 */
export function credentialsHash(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  return createHash('sha256').update(authorization).digest('base64url');
}
