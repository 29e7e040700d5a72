import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from '../log/logger.js';
import { parseDatabaseUrl, type StoreLocation } from './database-url.js';

/** Settings of one server process. Each comes from a flag, else an environment variable. */
export interface Config {
  port: number;
  host: string;
  store: StoreLocation;
  /** How long the forecast kind works on one job, in milliseconds. */
  forecastDurationMs: number;
  /** Time limit of one forecast attempt, in milliseconds. */
  forecastTimeoutMs: number;
  /** How long finished jobs are kept, in milliseconds. */
  retentionMs: number;
  /** Jobs one process runs at the same time. */
  concurrency: number;
  /** Claimed jobs that one process keeps waiting beyond its free slots. They are Running. */
  prefetch: number;
  /** Base of absolute `Location` URLs; null to use the request's own host. */
  publicUrl: URL | null;
  logLevel: LogLevel;
  /** How long running jobs get to finish at shutdown before they are handed back, in ms. */
  shutdownGraceMs: number;
  /** Role of this process: serve the API, run jobs, or both. */
  role: ProcessRole;
  /** Lease of one job attempt, in milliseconds. */
  leaseMs: number;
  /** Attempts a forecast job gets for retryable failures. */
  forecastMaxAttempts: number;
  /** Time a forecast job may wait in the queue before it fails, in milliseconds. */
  forecastDeadlineMs: number;
  /** How long idempotency keys are kept after first use, in seconds. */
  idempotencyKeyTtlSeconds: number;
  /** Cap of long-poll waits (`Prefer: wait`, the `wait` argument), in seconds. */
  maxWaitSeconds: number;
}

export const PROCESS_ROLES = ['both', 'api', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface Setting {
  env: string;
  flag: string;
  fallback: string;
  help: string;
}

/** Every setting, with its environment variable, flag, default and help text. */
export const SETTINGS = {
  port: { env: 'PORT', flag: 'port', fallback: '4000', help: 'TCP port, 0-65535' },
  host: { env: 'HOST', flag: 'host', fallback: '0.0.0.0', help: 'interface to listen on' },
  databaseUrl: {
    env: 'DATABASE_URL',
    flag: 'database-url',
    fallback: './data/jobtoken.db',
    help:
      'postgres:// URL (optional ?schema=name), SQLite file path, file: URL, ' +
      'or memory: for a store that is lost at exit',
  },
  forecastDurationMs: {
    env: 'FORECAST_DURATION_MS',
    flag: 'forecast-duration-ms',
    fallback: '4000',
    help: 'how long a forecast job works, in ms, 0-3600000',
  },
  forecastTimeoutMs: {
    env: 'FORECAST_TIMEOUT_MS',
    flag: 'forecast-timeout-ms',
    fallback: '60000',
    help: 'time limit of one forecast attempt, in ms, 1-86400000',
  },
  retentionSeconds: {
    env: 'JOB_RETENTION_SECONDS',
    flag: 'job-retention-seconds',
    fallback: '86400',
    help: 'how long finished jobs are kept, in seconds, 86400-31536000 (at least 24 hours)',
  },
  concurrency: {
    env: 'RUNNER_CONCURRENCY',
    flag: 'runner-concurrency',
    fallback: '4',
    help: 'jobs run at the same time by one process, 1-1000',
  },
  prefetch: {
    env: 'JOB_PREFETCH',
    flag: 'job-prefetch',
    fallback: '0',
    help:
      'claimed jobs one process holds beyond its free slots, 0-1000; held jobs show as Running ' +
      'and no other process can take them until their lease expires',
  },
  publicUrl: {
    env: 'PUBLIC_URL',
    flag: 'public-url',
    fallback: '',
    help: 'absolute http(s) URL that clients use to reach this server',
  },
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    fallback: 'info',
    help: LOG_LEVELS.join(', '),
  },
  shutdownGraceMs: {
    env: 'SHUTDOWN_GRACE_MS',
    flag: 'shutdown-grace-ms',
    fallback: '10000',
    help: 'time running jobs get to finish at shutdown, in ms, 0-3600000',
  },
  role: {
    env: 'JOBTOKEN_ROLE',
    flag: 'role',
    fallback: 'both',
    help: 'api (HTTP only), worker (runs jobs, no HTTP) or both; api and worker need PostgreSQL',
  },
  leaseMs: {
    env: 'JOB_LEASE_MS',
    flag: 'job-lease-ms',
    fallback: '15000',
    help: "lease of one job attempt, in ms, 1000-600000; a crashed worker's jobs move on after it",
  },
  forecastMaxAttempts: {
    env: 'FORECAST_MAX_ATTEMPTS',
    flag: 'forecast-max-attempts',
    fallback: '3',
    help: 'attempts a forecast job gets for retryable failures such as timeouts, 1-100',
  },
  forecastDeadlineMs: {
    env: 'FORECAST_DEADLINE_MS',
    flag: 'forecast-deadline-ms',
    fallback: '600000',
    help: 'time a forecast job may wait in the queue before it fails, in ms, 1000-604800000',
  },
  idempotencyKeyTtlSeconds: {
    env: 'IDEMPOTENCY_KEY_TTL_SECONDS',
    flag: 'idempotency-key-ttl-seconds',
    fallback: '86400',
    help: 'how long idempotency keys are kept after first use, in seconds, 60-2592000',
  },
  maxWaitSeconds: {
    env: 'MAX_WAIT_SECONDS',
    flag: 'max-wait-seconds',
    fallback: '30',
    help: 'maximum wait of a long poll (Prefer: wait, or the wait argument of job), in seconds, 0-300',
  },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

/**
 * Reads the configuration from command-line flags and environment variables. Throws ConfigError
 * naming the variable and the accepted values when a setting is invalid.
 */
export function loadConfig(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const flags = parseFlags(argv);
  const raw = (name: SettingName): string => {
    const setting = SETTINGS[name];
    return flags[setting.flag] ?? env[setting.env] ?? setting.fallback;
  };
  const integer = (name: SettingName, min: number, max: number): number =>
    parseInteger(name, raw(name), min, max);

  return {
    port: integer('port', 0, 65535),
    host: raw('host') || SETTINGS.host.fallback,
    store: parseSetting('databaseUrl', () => parseDatabaseUrl(raw('databaseUrl'))),
    forecastDurationMs: integer('forecastDurationMs', 0, 3_600_000),
    forecastTimeoutMs: integer('forecastTimeoutMs', 1, 86_400_000),
    retentionMs: integer('retentionSeconds', 86_400, 31_536_000) * 1000,
    concurrency: integer('concurrency', 1, 1000),
    prefetch: integer('prefetch', 0, 1000),
    publicUrl: parseSetting('publicUrl', () => parsePublicUrl(raw('publicUrl'))),
    logLevel: parseSetting('logLevel', () => parseLogLevel(raw('logLevel'))),
    shutdownGraceMs: integer('shutdownGraceMs', 0, 3_600_000),
    role: parseSetting('role', () => parseRole(raw('role'), raw('databaseUrl'))),
    leaseMs: integer('leaseMs', 1000, 600_000),
    forecastMaxAttempts: integer('forecastMaxAttempts', 1, 100),
    forecastDeadlineMs: integer('forecastDeadlineMs', 1000, 604_800_000),
    idempotencyKeyTtlSeconds: integer('idempotencyKeyTtlSeconds', 60, 2_592_000),
    maxWaitSeconds: integer('maxWaitSeconds', 0, 300),
  };
}

function parseRole(value: string, databaseUrl: string): ProcessRole {
  const role = PROCESS_ROLES.find((candidate) => candidate === value);
  if (!role) throw new Error(`"${value}" is not a role.`);
  if (role !== 'both' && parseDatabaseUrl(databaseUrl).kind !== 'postgres') {
    throw new Error(
      `"${role}" needs a PostgreSQL DATABASE_URL, because the SQLite and memory stores serve ` +
        'one process.',
    );
  }
  return role;
}

function parseFlags(argv: readonly string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(
    Object.values(SETTINGS).map((setting) => [setting.flag, { type: 'string' as const }]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true }).values as Record<
      string,
      string | undefined
    >;
  } catch (error) {
    const flags = Object.values(SETTINGS)
      .map((setting) => `--${setting.flag}`)
      .join(', ');
    throw new ConfigError(`${(error as Error).message}. Accepted flags: ${flags}.`);
  }
}

function describe(name: SettingName): string {
  const setting = SETTINGS[name];
  return `${setting.env} (--${setting.flag})`;
}

function parseSetting<T>(name: SettingName, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const setting = SETTINGS[name];
    throw new ConfigError(
      `Invalid ${describe(name)}: ${(error as Error).message} Accepted: ${setting.help}.`,
    );
  }
}

function parseInteger(name: SettingName, value: string, min: number, max: number): number {
  const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(
      `Invalid ${describe(name)}: "${value}". Accepted: ${SETTINGS[name].help}.`,
    );
  }
  return parsed;
}

function parsePublicUrl(value: string): URL | null {
  if (value === '') return null;
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`"${value}" is not an absolute http or https URL.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new Error(`"${value}" has a query or fragment; give the base URL only.`);
  }
  return url;
}

function parseLogLevel(value: string): LogLevel {
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (!level) throw new Error(`"${value}" is not a log level.`);
  return level;
}
