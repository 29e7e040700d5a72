import { StoreUnavailableError } from '../../errors/app-error.js';

/**
 * SQLSTATE codes after which the same request may succeed later, because the failure was the
 * server's state rather than the statement (PostgreSQL 15, Appendix A "Error Codes").
 */
const RETRYABLE_SQLSTATES: Readonly<Record<string, string>> = {
  '08000': 'connection_exception',
  '08003': 'connection_does_not_exist',
  '08006': 'connection_failure',
  '08001': 'sqlclient_unable_to_establish_sqlconnection',
  '08004': 'sqlserver_rejected_establishment_of_sqlconnection',
  '40001': 'serialization_failure',
  '40P01': 'deadlock_detected',
  '53300': 'too_many_connections',
  '55P03': 'lock_not_available',
  '57014': 'query_canceled, also raised by statement_timeout',
  '57P01': 'admin_shutdown, also raised by pg_terminate_backend',
  '57P02': 'crash_shutdown',
  '57P03': 'cannot_connect_now, while the server starts or recovers',
};

/** Node socket errors that mean the server could not be reached or the connection dropped. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

/** Messages of the pg driver for a connection that ended, which carry no code. */
const DRIVER_CONNECTION_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/i;

/** Reports whether a database error means "unavailable now, retry later". */
export function isUnavailableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (
    typeof code === 'string' &&
    (Object.hasOwn(RETRYABLE_SQLSTATES, code) || NETWORK_ERRORS.has(code))
  ) {
    return true;
  }
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && DRIVER_CONNECTION_MESSAGE.test(message);
}

/** Turns unavailability into StoreUnavailableError (503 with Retry-After); rethrows the rest. */
export function toStoreError(error: unknown): unknown {
  return isUnavailableError(error) ? new StoreUnavailableError(error) : error;
}
