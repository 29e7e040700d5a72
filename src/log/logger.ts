import { pino } from 'pino';

export type Logger = pino.Logger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Creates the process logger: JSON lines on stdout, one per event. */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ name: 'jobtoken', level });
}
