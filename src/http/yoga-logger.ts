import type { Logger } from '../log/logger.js';

/** Adapts pino to yoga's logger interface, so yoga's own messages land in the same log. */
export function toYogaLogger(logger: Logger) {
  const log = logger.child({ component: 'yoga' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      // yoga logs each request at debug level, so skip the formatting when the level is off.
      if (!log.isLevelEnabled(level)) return;
      const [first, ...rest] = args;
      if (first instanceof Error) log[level]({ err: first }, rest.map(String).join(' '));
      else
        log[level](
          args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
        );
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
