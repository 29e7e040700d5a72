import pg from 'pg';
import type { Logger } from '../../log/logger.js';
import { quoteIdentifier } from './postgres-migrations.js';

/** How often the listening connection is checked with a query, in milliseconds. */
export const LISTENER_HEALTH_INTERVAL_MS = 5_000;
/** How long a health query may take before the connection counts as half-open, in ms. */
export const LISTENER_HEALTH_TIMEOUT_MS = 3_000;
/** First and last delay between reconnect attempts, in milliseconds; it doubles in between. */
const RECONNECT_MIN_DELAY_MS = 250;
const RECONNECT_MAX_DELAY_MS = 5_000;

export interface PostgresListenerOptions {
  connection: pg.ClientConfig;
  channel: string;
  logger: Logger;
  onNotification: (payload: string) => void;
  healthIntervalMs?: number;
}

/**
 * Keeps one connection that LISTENs on the job channel. A connection that errors, ends, or does
 * not respond to a health query in time (half-open, for example after a network partition) is
 * destroyed and replaced. Notifications sent meanwhile are lost, so the runner's polling and
 * heartbeats cover that gap.
 */
export class PostgresListener {
  readonly #options: PostgresListenerOptions;
  readonly #log: Logger;
  #client: pg.Client | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #reconnecting = false;
  /** Connections made so far; more than one means a reconnect happened. */
  connections = 0;

  constructor(options: PostgresListenerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'pg-listener', channel: options.channel });
  }

  /** Connects and starts listening; retries until it succeeds or the listener is closed. */
  async start(): Promise<void> {
    await this.#connectWithRetry();
    this.#healthTimer = setInterval(
      () => void this.#checkHealth(),
      this.#options.healthIntervalMs ?? LISTENER_HEALTH_INTERVAL_MS,
    );
    this.#healthTimer.unref();
  }

  /** Backend process id of the listening connection, for diagnostics and tests. */
  async backendPid(): Promise<number | undefined> {
    const result = await this.#client?.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return result?.rows[0]?.pid;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#healthTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...this.#options.connection, keepAlive: true });
    client.on('notification', (message) => {
      if (message.payload) this.#options.onNotification(message.payload);
    });
    client.on('error', (error) => this.#replace(client, error));
    client.on('end', () => this.#replace(client, new Error('The listening connection ended.')));
    await client.connect();
    await client.query(`LISTEN ${quoteIdentifier(this.#options.channel)}`);
    this.#client = client;
    this.connections += 1;
  }

  async #connectWithRetry(): Promise<void> {
    let delay = RECONNECT_MIN_DELAY_MS;
    while (!this.#closed) {
      try {
        await this.#connect();
        if (this.connections > 1)
          this.#log.warn({ connections: this.connections }, 'listener reconnected');
        return;
      } catch (error) {
        this.#log.warn({ err: error, retryInMs: delay }, 'listener connection failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay = Math.min(RECONNECT_MAX_DELAY_MS, delay * 2);
      }
    }
  }

  async #checkHealth(): Promise<void> {
    const client = this.#client;
    if (!client || this.#reconnecting) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`The listener did not respond within ${LISTENER_HEALTH_TIMEOUT_MS} ms.`),
          ),
        LISTENER_HEALTH_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([client.query('SELECT 1'), timeout]);
    } catch (error) {
      this.#replace(client, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops a broken connection once and connects a new one in the background. */
  #replace(client: pg.Client, cause: unknown): void {
    if (this.#closed || this.#client !== client || this.#reconnecting) return;
    this.#reconnecting = true;
    this.#client = undefined;
    this.#log.warn({ err: cause }, 'listener connection lost; reconnecting');
    client.removeAllListeners('end');
    client.on('error', () => {});
    // end() can wait forever on a half-open socket, so the socket is destroyed as well.
    void client.end().catch(() => {});
    (
      client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
    void this.#connectWithRetry().finally(() => {
      this.#reconnecting = false;
    });
  }
}
