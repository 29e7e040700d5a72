/**
 * The closed set of error codes. Each code has exactly one row in ERROR_TABLE, so a new code
 * without an HTTP status, problem type and GraphQL code does not compile.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'malformed_request'
  | 'query_too_complex'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_acceptable'
  | 'method_not_allowed'
  | 'not_found'
  | 'rate_limited'
  | 'already_finished'
  | 'store_unavailable'
  | 'internal'
  | 'unprocessable_input'
  | 'timeout'
  | 'processor_error'
  | 'deadline_exceeded'
  | 'idempotency_key_mismatch'
  | 'idempotency_key_in_use'
  | 'cancelled';

export interface ErrorSpec {
  /** HTTP status of a REST response that carries this error. */
  httpStatus: number;
  /** RFC 9457 problem type URI. The URNs are identifiers only and are not meant to be fetched. */
  problemType: string;
  /** Short RFC 9457 title, the same for every occurrence of the problem type. */
  title: string;
  /** `extensions.code` of a GraphQL error, and the `code` of a typed GraphQL error object. */
  graphqlCode: string;
}

function row(httpStatus: number, name: string, title: string, graphqlCode: string): ErrorSpec {
  return { httpStatus, problemType: `urn:jobtoken:problem:${name}`, title, graphqlCode };
}

export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorSpec>> = {
  invalid_input: row(400, 'invalid-input', 'Invalid input', 'BAD_USER_INPUT'),
  malformed_request: row(400, 'malformed-request', 'Malformed request', 'BAD_REQUEST'),
  query_too_complex: row(400, 'query-too-complex', 'Query too complex', 'QUERY_TOO_COMPLEX'),
  payload_too_large: row(413, 'payload-too-large', 'Payload too large', 'PAYLOAD_TOO_LARGE'),
  unsupported_media_type: row(
    415,
    'unsupported-media-type',
    'Unsupported media type',
    'UNSUPPORTED_MEDIA_TYPE',
  ),
  not_acceptable: row(406, 'not-acceptable', 'Not acceptable', 'NOT_ACCEPTABLE'),
  method_not_allowed: row(405, 'method-not-allowed', 'Method not allowed', 'METHOD_NOT_ALLOWED'),
  not_found: row(404, 'not-found', 'Job not found', 'NOT_FOUND'),
  rate_limited: row(429, 'rate-limited', 'Too many requests', 'RATE_LIMITED'),
  already_finished: row(409, 'already-finished', 'Job already finished', 'ALREADY_FINISHED'),
  store_unavailable: row(503, 'store-unavailable', 'Job store unavailable', 'STORE_UNAVAILABLE'),
  internal: row(500, 'internal', 'Internal server error', 'INTERNAL_SERVER_ERROR'),
  unprocessable_input: row(422, 'job-failed', 'Job failed', 'UNPROCESSABLE_INPUT'),
  timeout: row(504, 'job-failed', 'Job failed', 'TIMEOUT'),
  processor_error: row(500, 'job-failed', 'Job failed', 'PROCESSOR_ERROR'),
  deadline_exceeded: row(504, 'job-failed', 'Job failed', 'DEADLINE_EXCEEDED'),
  idempotency_key_mismatch: row(
    422,
    'idempotency-key-mismatch',
    'Idempotency key reused with a different payload',
    'IDEMPOTENCY_KEY_MISMATCH',
  ),
  idempotency_key_in_use: row(
    409,
    'idempotency-key-in-use',
    'Idempotency key in use',
    'IDEMPOTENCY_KEY_IN_USE',
  ),
  cancelled: row(409, 'job-cancelled', 'Job cancelled', 'CANCELLED'),
};

export const ERROR_CODES = Object.keys(ERROR_TABLE) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}

/** Finds the error code that a GraphQL `extensions.code` stands for. */
export function errorCodeFromGraphqlCode(graphqlCode: unknown): ErrorCode | undefined {
  return ERROR_CODES.find((code) => ERROR_TABLE[code].graphqlCode === graphqlCode);
}
