import type { Server } from 'node:http';
import type { Config } from './config/config.js';
import { type App, createApp } from './http/create-app.js';
import { closeServer, listen } from './http/http-server.js';
import { createForecastKind } from './kinds/forecast/forecast-kind.js';
import { KindRegistry } from './kinds/kind-registry.js';
import type { Logger } from './log/logger.js';
import { JobRunner } from './runner/job-runner.js';
import { RetentionSweeper } from './runner/retention-sweeper.js';
import type { JobStore } from './store/job-store.js';
import { openStore } from './store/open-store.js';

/** A running jobtoken process: store, runner, retention sweeper and HTTP server. */
export interface Jobtoken {
  app: App;
  store: JobStore;
  runner: JobRunner;
  server: Server;
  /** Base URL the server listens on, such as `http://127.0.0.1:4000`. */
  url: string;
  /** Stops in order: HTTP, runner (with the grace period), sweeper, store. */
  stop(): Promise<void>;
}

/** Starts one process with API and runner on the configured store. */
export async function startJobtoken(config: Config, logger: Logger): Promise<Jobtoken> {
  const store = openStore(config.store, { retentionMs: config.retentionMs, logger });
  const kinds = new KindRegistry([
    createForecastKind({
      durationMs: config.forecastDurationMs,
      timeoutMs: config.forecastTimeoutMs,
    }),
  ]);
  const app = createApp({ store, kinds, logger, publicUrl: config.publicUrl });
  const runner = new JobRunner({ store, kinds, logger, concurrency: config.concurrency });
  const sweeper = new RetentionSweeper({ store, logger });

  await runner.start({ recoverAbandoned: true });
  sweeper.start();
  const { server, address } = await listen(app, config.port, config.host);
  const url = `http://${displayHost(address.address, address.family)}:${address.port}`;
  logger.info({ url, store: config.store.kind }, 'jobtoken started');

  return {
    app,
    store,
    runner,
    server,
    url,
    async stop() {
      await closeServer(server);
      await runner.stop(config.shutdownGraceMs);
      sweeper.stop();
      await store.close();
      logger.info('jobtoken stopped');
    },
  };
}

/** A wildcard address is reachable as localhost, which is what a user can paste. */
function displayHost(address: string, family: string): string {
  if (address === '0.0.0.0' || address === '::') return 'localhost';
  return family === 'IPv6' ? `[${address}]` : address;
}
