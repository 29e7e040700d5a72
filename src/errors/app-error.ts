import type { ErrorCode } from './error-codes.js';

/**
 * An expected error with a code from the closed set. Its message is safe to show to clients;
 * anything else thrown is masked as `internal`.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  /** Input field the error is about, as a dotted path (`city`), when there is one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = options.field;
  }
}

/** Raised by a store when its database cannot be reached; callers may retry later. */
export class StoreUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('store_unavailable', 'The job store is unavailable. Retry the request later.', {
      cause,
    });
    this.name = 'StoreUnavailableError';
  }
}
