import { ERROR_TABLE, type ErrorCode, isErrorCode } from '../errors/error-codes.js';

/**
 * Code of a failed request: a server error code (see docs/errors.md), `network_error` when no
 * response arrived, or `invalid_response` when the response did not have the expected shape.
 */
export type RequestErrorCode = ErrorCode | 'network_error' | 'invalid_response';

export interface RequestErrorDetails {
  code: RequestErrorCode;
  /** HTTP status; see `JobtokenRequestError.status`. */
  status?: number | undefined;
  field?: string | null | undefined;
  retryAfterMs?: number | undefined;
  /** The problem document or GraphQL error the server sent. */
  body?: unknown;
  cause?: unknown;
}

/** Raised when a request to the server fails, as opposed to a job that fails. */
export class JobtokenRequestError extends Error {
  readonly code: RequestErrorCode;
  /**
   * HTTP status of the failure, undefined when no response arrived. Over GraphQL, where a
   * typed error arrives with `200`, it is the status REST sends for the same code, so callers
   * can treat both transports alike.
   */
  readonly status: number | undefined;
  /** Input field the error is about, as a dotted path, when there is one. */
  readonly field: string | null;
  /** Wait the server requested before a retry (from `Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  readonly body: unknown;

  constructor(message: string, details: RequestErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'JobtokenRequestError';
    this.code = details.code;
    this.status =
      details.status ?? (isErrorCode(details.code) ? statusOf(details.code) : undefined);
    this.field = details.field ?? null;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
  }

  /** True for failures that a later retry of the same request may not have: 429, 503, no response. */
  get transient(): boolean {
    return this.status === 429 || this.status === 503 || this.code === 'network_error';
  }
}

function statusOf(code: ErrorCode): number {
  return ERROR_TABLE[code].httpStatus;
}
