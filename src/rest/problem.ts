import { STATUS_CODES } from 'node:http';
// yoga's own Response class: the node:http adapter writes its string body directly, where a
// native Response would have its body read back through a web stream.
import { Response } from '@whatwg-node/fetch';
import { ERROR_TABLE, type ErrorCode } from '../errors/error-codes.js';

/** How long a client should wait before retrying after a 503, in seconds. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
/** How long a client should wait before repeating a request whose key is in use, in seconds. */
export const KEY_IN_USE_RETRY_AFTER_SECONDS = 1;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Extension members of a problem body beyond the RFC 9457 ones. */
export type ProblemExtensions = Record<string, unknown>;

/**
 * Builds an RFC 9457 problem response for an error code, with type, title and HTTP status from
 * the error table. `extensions` may replace `status` with the job status, as failed and
 * cancelled jobs do to keep the REST job shape.
 */
export function problemResponse(
  code: ErrorCode,
  detail: string,
  extensions: ProblemExtensions = {},
  headers: Record<string, string> = {},
): Response {
  const spec = ERROR_TABLE[code];
  const body = {
    type: spec.problemType,
    title: spec.title,
    status: spec.httpStatus,
    detail,
    code,
    ...extensions,
  };
  const retryAfter: Record<string, string> = {};
  if (code === 'store_unavailable') {
    retryAfter['retry-after'] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
  } else if (code === 'idempotency_key_in_use') {
    retryAfter['retry-after'] = String(KEY_IN_USE_RETRY_AFTER_SECONDS);
  }
  return new Response(JSON.stringify(body), {
    status: spec.httpStatus,
    statusText: STATUS_CODES[spec.httpStatus] ?? '',
    headers: {
      'content-type': PROBLEM_CONTENT_TYPE,
      'cache-control': 'no-store',
      ...retryAfter,
      ...headers,
    },
  });
}
