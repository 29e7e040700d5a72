import type { Server } from 'node:http';
import { type Config, ConfigError } from './config/config.js';
import { type App, createApp } from './http/create-app.js';
import { closeServer, listen } from './http/http-server.js';
import { createForecastKind } from './kinds/forecast/forecast-kind.js';
import { KindRegistry } from './kinds/kind-registry.js';
import type { Logger } from './log/logger.js';
import { JobRunner } from './runner/job-runner.js';
import { RetentionSweeper } from './runner/retention-sweeper.js';
import type { JobStore } from './store/job-store.js';
import { openStore } from './store/open-store.js';

/** A running jobtoken process: store, and by role the runner and the HTTP server. */
export interface Jobtoken {
  store: JobStore;
  /** Present unless the role is `worker`. */
  app: App | undefined;
  server: Server | undefined;
  /** Base URL the server listens on, such as `http://localhost:4000`; empty for a worker. */
  url: string;
  /** Present unless the role is `api`. */
  runner: JobRunner | undefined;
  /** Stops in order: HTTP, runner (with the grace period), sweeper, store. */
  stop(): Promise<void>;
}

/** Starts one process on the configured store with the configured role. */
export async function startJobtoken(config: Config, logger: Logger): Promise<Jobtoken> {
  const store = await openStore(config.store, { retentionMs: config.retentionMs, logger });
  const kinds = new KindRegistry([
    createForecastKind({
      durationMs: config.forecastDurationMs,
      timeoutMs: config.forecastTimeoutMs,
      maxAttempts: config.forecastMaxAttempts,
      deadlineMs: config.forecastDeadlineMs,
    }),
  ]);
  // Listen before the runner starts: a second process that cannot get the port must fail before
  // start-up recovery takes jobs from the process that owns the SQLite file.
  let app: App | undefined;
  let server: Server | undefined;
  let url = '';
  if (config.role !== 'worker') {
    app = createApp({
      store,
      kinds,
      logger,
      publicUrl: config.publicUrl,
      idempotencyKeyTtlSeconds: config.idempotencyKeyTtlSeconds,
      maxWaitSeconds: config.maxWaitSeconds,
    });
    let listening: Awaited<ReturnType<typeof listen>>;
    try {
      listening = await listen(app, config.port, config.host);
    } catch (error) {
      await store.close();
      throw listenError(error, config);
    }
    server = listening.server;
    url = `http://${displayHost(listening.address.address, listening.address.family)}:${listening.address.port}`;
  }
  const sweeper = new RetentionSweeper({ store, logger });
  const runner =
    config.role === 'api' ? undefined : await startRunner(config, store, kinds, logger);
  sweeper.start();
  logger.info({ url, role: config.role, store: config.store.kind }, 'jobtoken started');

  return {
    store,
    app,
    server,
    url,
    runner,
    /**
     * Stops accepting connections and claiming jobs at once, gives running jobs and open
     * requests (long polls, event streams, slow clients) the grace period, then closes every
     * connection still open.
     */
    async stop() {
      const deadline = Date.now() + config.shutdownGraceMs;
      const serverClosed = server ? closeServer(server) : Promise.resolve();
      await runner?.stop(config.shutdownGraceMs);
      if (server) {
        await waitAtMost(serverClosed, deadline - Date.now());
        server.closeAllConnections();
        await serverClosed;
      }
      sweeper.stop();
      await store.close();
      logger.info('jobtoken stopped');
    },
  };
}

async function startRunner(
  config: Config,
  store: JobStore,
  kinds: KindRegistry,
  logger: Logger,
): Promise<JobRunner> {
  const runner = new JobRunner({
    store,
    kinds,
    logger,
    concurrency: config.concurrency,
    prefetch: config.prefetch,
    leaseMs: config.leaseMs,
  });
  // An embedded store has one process, so whatever it left running at a crash is abandoned and
  // can run again at once; PostgreSQL waits for the leases of other processes to expire.
  // NOTE: nothing locks the SQLite file, so a second process on the same file and another port
  // would take over this one's running jobs here.
  await runner.start({ recoverAbandoned: config.store.kind !== 'postgres' });
  return runner;
}

/** Turns a failure to listen into a message that names the setting to change. */
function listenError(error: unknown, config: Config): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new ConfigError(
      `Cannot listen on ${where}: the port is in use. Set PORT (--port) to a free port, ` +
        'or stop the process that uses it.',
    );
  }
  if (code === 'ENOTFOUND' || code === 'EADDRNOTAVAIL' || code === 'EAI_AGAIN') {
    return new ConfigError(
      `Cannot listen on ${where}: "${config.host}" is not an address of this machine. ` +
        'Set HOST (--host) to an interface address such as 0.0.0.0, 127.0.0.1 or ::.',
    );
  }
  if (code === 'EACCES') {
    return new ConfigError(
      `Cannot listen on ${where}: permission denied. Set PORT (--port) to 1024 or above.`,
    );
  }
  return error as Error;
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}

/** Returns the host to show in the start URL: a wildcard address is reachable as localhost. */
function displayHost(address: string, family: string): string {
  if (address === '0.0.0.0' || address === '::') return 'localhost';
  return family === 'IPv6' ? `[${address}]` : address;
}
