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
/** How long closing waits for notifications still being sent, in milliseconds. */
const CLOSE_SEND_TIMEOUT_MS = 1_000;

export interface PostgresListenerOptions {
  connection: pg.ClientConfig;
  channel: string;
  logger: Logger;
  onNotification: (payload: string) => void;
  healthIntervalMs?: number;
}

/**
 * Keeps one connection that LISTENs on the job channel and sends this process's notifications.
 * A connection that errors, ends, or does not respond to a health query in time (half-open, for
 * example after a network partition) is destroyed and replaced. Notifications sent or due
 * meanwhile are lost, so the runner's polling and heartbeats and the watchers' re-reads cover
 * that gap.
 */
export class PostgresListener {
  readonly #options: PostgresListenerOptions;
  readonly #log: Logger;
  #client: pg.Client | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #reconnecting = false;
  /** Payloads waiting for the next send. */
  #outbox: string[] = [];
  /** The send in progress, if any. Payloads queued meanwhile go out after it. */
  #sending: Promise<void> | undefined;
  /** Whether dropped notifications were logged since the connection was lost. */
  #dropLogged = false;
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

  /**
   * Sends notifications on the job channel. Payloads queued in the same event-loop turn, or
   * while a send is in progress, go out together in one statement and transaction.
   */
  notify(payloads: readonly string[]): void {
    if (this.#closed || payloads.length === 0) return;
    this.#outbox.push(...payloads);
    if (this.#sending) return;
    this.#sending = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#sendOutbox(),
    );
  }

  async #sendOutbox(): Promise<void> {
    while (this.#outbox.length > 0) {
      const payloads = this.#outbox;
      this.#outbox = [];
      const client = this.#client;
      if (!client) {
        if (!this.#dropLogged) {
          this.#log.warn(
            { dropped: payloads.length },
            'notifications dropped while reconnecting; later drops are not logged',
          );
          this.#dropLogged = true;
        }
        continue;
      }
      try {
        await client.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
          this.#options.channel,
          payloads,
        ]);
      } catch (error) {
        this.#log.warn({ err: error, dropped: payloads.length }, 'sending notifications failed');
      }
    }
    this.#sending = undefined;
  }

  async close(): Promise<void> {
    // Changes committed before the close are still announced, unless the connection hangs.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_SEND_TIMEOUT_MS);
    });
    await Promise.race([this.#sending, timeout]);
    clearTimeout(timer);
    this.#closed = true;
    clearInterval(this.#healthTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const { connection } = this.#options;
    const client = new pg.Client({
      ...connection,
      // This connection writes no data, so its notify transactions need not wait for a flush.
      options: `${connection.options ?? ''} -c synchronous_commit=off`.trim(),
      keepAlive: true,
    });
    client.on('notification', (message) => {
      if (message.payload) this.#options.onNotification(message.payload);
    });
    client.on('error', (error) => this.#replace(client, error));
    client.on('end', () => this.#replace(client, new Error('The listening connection ended.')));
    await client.connect();
    await client.query(`LISTEN ${quoteIdentifier(this.#options.channel)}`);
    this.#client = client;
    this.#dropLogged = false;
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
