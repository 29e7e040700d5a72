import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig([], {});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.store).toEqual({ kind: 'sqlite', filename: resolve('data/jobtoken.db') });
    expect(config.retentionMs).toBe(24 * 3600 * 1000);
    expect(config.concurrency).toBe(4);
    expect(config.prefetch).toBe(0);
    expect(config.publicUrl).toBeNull();
    expect(config.forecastDurationMs).toBe(4000);
    expect(config.forecastMaxAttempts).toBe(3);
    expect(config.forecastDeadlineMs).toBe(600_000);
    expect(config.idempotencyKeyTtlSeconds).toBe(86_400);
  });

  it('reads environment variables', () => {
    const config = loadConfig([], {
      PORT: '8080',
      DATABASE_URL: 'file:///tmp/jobs.db',
      FORECAST_DURATION_MS: '0',
      JOB_RETENTION_SECONDS: '172800',
      RUNNER_CONCURRENCY: '16',
      JOB_PREFETCH: '100',
      FORECAST_MAX_ATTEMPTS: '5',
      FORECAST_DEADLINE_MS: '120000',
      IDEMPOTENCY_KEY_TTL_SECONDS: '3600',
      PUBLIC_URL: 'https://api.example.com',
    });
    expect(config.port).toBe(8080);
    expect(config.store).toEqual({ kind: 'sqlite', filename: '/tmp/jobs.db' });
    expect(config.forecastDurationMs).toBe(0);
    expect(config.retentionMs).toBe(172_800_000);
    expect(config.concurrency).toBe(16);
    expect(config.prefetch).toBe(100);
    expect(config.forecastMaxAttempts).toBe(5);
    expect(config.forecastDeadlineMs).toBe(120_000);
    expect(config.idempotencyKeyTtlSeconds).toBe(3600);
    expect(config.publicUrl?.href).toBe('https://api.example.com/');
  });

  it('prefers flags over the environment', () => {
    const config = loadConfig(['--port', '9000', '--database-url=memory:', '--job-prefetch=20'], {
      PORT: '8080',
      JOB_PREFETCH: '10',
    });
    expect(config.port).toBe(9000);
    expect(config.store).toEqual({ kind: 'memory' });
    expect(config.prefetch).toBe(20);
  });

  it('accepts a relative file: URL', () => {
    const config = loadConfig([], { DATABASE_URL: 'file:./data/other.db' });
    expect(config.store).toEqual({ kind: 'sqlite', filename: resolve('data/other.db') });
  });

  it.each([
    [{ PORT: '70000' }, /Invalid PORT \(--port\): "70000"\. Accepted: TCP port, 0-65535\./],
    [{ PORT: '-1' }, /Invalid PORT/],
    [{ FORECAST_DURATION_MS: '1.5' }, /Invalid FORECAST_DURATION_MS/],
    [{ RUNNER_CONCURRENCY: '0' }, /Invalid RUNNER_CONCURRENCY .*1-1000/],
    [
      { JOB_PREFETCH: '1001' },
      /Invalid JOB_PREFETCH \(--job-prefetch\): "1001"\. Accepted: claimed jobs .*, 0-1000;/,
    ],
    [{ JOB_PREFETCH: '-1' }, /Invalid JOB_PREFETCH \(--job-prefetch\): "-1"\. Accepted: .*0-1000/],
    [{ JOB_PREFETCH: '2.5' }, /Invalid JOB_PREFETCH \(--job-prefetch\): "2\.5"\./],
    [{ JOB_PREFETCH: 'ten' }, /Invalid JOB_PREFETCH \(--job-prefetch\): "ten"\./],
    [{ JOB_RETENTION_SECONDS: '3600' }, /Invalid JOB_RETENTION_SECONDS .*at least 24 hours/],
    [{ FORECAST_MAX_ATTEMPTS: '0' }, /Invalid FORECAST_MAX_ATTEMPTS .*1-100/],
    [{ IDEMPOTENCY_KEY_TTL_SECONDS: '10' }, /Invalid IDEMPOTENCY_KEY_TTL_SECONDS/],
    [{ LOG_LEVEL: 'loud' }, /Invalid LOG_LEVEL .*"loud" is not a log level.*info/],
    [{ PUBLIC_URL: 'example.com' }, /Invalid PUBLIC_URL .*not an absolute http or https URL/],
    [{ PUBLIC_URL: 'https://example.com/?x=1' }, /Invalid PUBLIC_URL .*has a query or fragment/],
    [{ DATABASE_URL: 'postgres://localhost/db?schema=pg_catalog' }, /system schema name/],
    [{ JOBTOKEN_ROLE: 'api', DATABASE_URL: 'memory:' }, /SQLite and memory stores serve/],
    [{ DATABASE_URL: 'mysql://localhost/jobs' }, /Invalid DATABASE_URL .*"mysql" scheme/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig([], env)).toThrow(ConfigError);
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it('rejects an unknown flag', () => {
    expect(() => loadConfig(['--prot', '1'], {})).toThrow(/Accepted flags: --port/);
  });
});
