import type { Logger } from '../log/logger.js';
import type { JobStore } from '../store/job-store.js';

/** How often expired jobs are deleted, in milliseconds. Expired jobs read as missing meanwhile. */
export const RETENTION_SWEEP_INTERVAL_MS = 60_000;

/** Deletes finished jobs past their retention, on a timer. Queued jobs never expire. */
export class RetentionSweeper {
  readonly #store: JobStore;
  readonly #log: Logger;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: { store: JobStore; logger: Logger; intervalMs?: number }) {
    this.#store = options.store;
    this.#log = options.logger.child({ component: 'retention' });
    this.#intervalMs = options.intervalMs ?? RETENTION_SWEEP_INTERVAL_MS;
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Deletes expired jobs once; failures are logged and retried at the next interval. */
  async sweep(): Promise<number> {
    try {
      const deleted = await this.#store.deleteExpired();
      if (deleted > 0) this.#log.info({ deleted }, 'deleted expired jobs');
      return deleted;
    } catch (error) {
      this.#log.warn({ err: error }, 'deleting expired jobs failed; retrying at the next interval');
      return 0;
    }
  }
}
