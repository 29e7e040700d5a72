import { EventEmitter } from 'node:events';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import type { JobChange, JobStore } from '../store/job-store.js';
import { type ExecutionOutcome, JobExecution } from './job-execution.js';
import type { RunnerEvents } from './runner-events.js';

/** Default number of jobs one process runs at the same time. */
export const DEFAULT_CONCURRENCY = 4;
/** How often an idle runner looks for Pending jobs it was not told about, in milliseconds. */
export const IDLE_POLL_INTERVAL_MS = 1_000;
/** How long a runner waits after a failed claim before it tries again, in milliseconds. */
export const CLAIM_RETRY_DELAY_MS = 2_000;

export interface JobRunnerOptions {
  store: JobStore;
  kinds: KindRegistry;
  logger: Logger;
  /** Jobs run at the same time. Default DEFAULT_CONCURRENCY. */
  concurrency?: number;
  /** Idle polling interval in milliseconds. Default IDLE_POLL_INTERVAL_MS. */
  idlePollIntervalMs?: number;
}

/**
 * Claims Pending jobs from the store and runs them, up to `concurrency` at a time. New
 * submissions and finished jobs wake it at once; an idle timer covers anything else.
 */
export class JobRunner extends EventEmitter<RunnerEvents> {
  readonly #store: JobStore;
  readonly #kinds: KindRegistry;
  readonly #log: Logger;
  readonly #concurrency: number;
  readonly #idlePollIntervalMs: number;
  readonly #running = new Map<string, JobExecution>();
  readonly #settled = new Set<Promise<void>>();
  #unsubscribe: (() => void) | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #claiming = false;
  #claimAgain = false;
  #accepting = false;

  constructor(options: JobRunnerOptions) {
    super();
    this.#store = options.store;
    this.#kinds = options.kinds;
    this.#log = options.logger.child({ component: 'runner' });
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#idlePollIntervalMs = options.idlePollIntervalMs ?? IDLE_POLL_INTERVAL_MS;
  }

  /** Number of jobs running in this process now. */
  get activeCount(): number {
    return this.#running.size;
  }

  /**
   * Starts claiming. With `recoverAbandoned`, jobs left Running by a crashed process go back to
   * Pending first, which is only safe while this is the only process using the store.
   */
  async start(options: { recoverAbandoned?: boolean } = {}): Promise<void> {
    if (options.recoverAbandoned) {
      const recovered = await this.#store.recoverAbandoned();
      if (recovered > 0) this.#log.warn({ recovered }, 'recovered jobs left by a previous process');
    }
    this.#accepting = true;
    this.#unsubscribe = this.#store.onChange((change) => this.#onStoreChange(change));
    this.#idleTimer = setInterval(() => this.#requestClaim(), this.#idlePollIntervalMs);
    this.#idleTimer.unref();
    this.#log.info({ concurrency: this.#concurrency }, 'runner started');
    this.#requestClaim();
  }

  /**
   * Stops claiming, gives running jobs `graceMs` to finish, then aborts the rest and hands them
   * back to Pending without using up their attempt.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#accepting = false;
    clearInterval(this.#idleTimer);
    this.#unsubscribe?.();
    const drained = Promise.allSettled([...this.#settled]);
    if (this.#running.size > 0 && graceMs > 0) await waitAtMost(drained, graceMs);
    for (const execution of this.#running.values()) execution.abort({ kind: 'shutdown' });
    await Promise.allSettled([...this.#settled]);
    this.#log.info('runner stopped');
  }

  #onStoreChange(change: JobChange): void {
    // Claim on the next turn, so that the submitting request finishes its own work first.
    if (change.status === 'Pending') setImmediate(() => this.#requestClaim());
    if (change.status === 'Cancelling') this.#running.get(change.id)?.abort({ kind: 'cancelled' });
  }

  /** Runs one claim now, or right after the one in flight, so claims never overlap. */
  #requestClaim(): void {
    if (!this.#accepting) return;
    if (this.#claiming) {
      this.#claimAgain = true;
      return;
    }
    this.#claiming = true;
    void this.#claimFreeSlots().finally(() => {
      this.#claiming = false;
      if (this.#claimAgain) {
        this.#claimAgain = false;
        this.#requestClaim();
      }
    });
  }

  async #claimFreeSlots(): Promise<void> {
    const free = this.#concurrency - this.#running.size;
    if (free <= 0) return;
    try {
      const jobs = await this.#store.claim(free);
      for (const job of jobs) this.#execute(job);
      if (jobs.length === free) this.#claimAgain = true;
    } catch (error) {
      this.#log.error({ err: error }, 'claiming jobs failed; retrying');
      this.emit('runner:error', error);
      await new Promise((resolve) => setTimeout(resolve, CLAIM_RETRY_DELAY_MS).unref());
    }
  }

  #execute(job: JobExecution['job']): void {
    const execution = new JobExecution({
      job,
      kind: this.#kinds.get(job.kind),
      store: this.#store,
      logger: this.#log,
      onProgress: (percent, message) =>
        this.emit('job:progress', {
          id: job.id,
          attempt: job.attempt,
          progress: { percent, message },
        }),
    });
    this.#running.set(job.id, execution);
    this.#log.info({ jobId: job.id, kind: job.kind, attempt: job.attempt }, 'job started');
    this.emit('job:started', job);
    const settled = execution
      .run()
      .then((outcome) => this.#report(execution, outcome))
      .catch((error: unknown) => {
        this.#log.error({ err: error, jobId: job.id }, 'recording the job outcome failed');
        this.emit('runner:error', error);
      })
      .finally(() => {
        this.#running.delete(job.id);
        this.#settled.delete(settled);
        this.#requestClaim();
      });
    this.#settled.add(settled);
  }

  #report(execution: JobExecution, outcome: ExecutionOutcome): void {
    const { id, attempt } = execution.job;
    const log = this.#log.child({ jobId: id, attempt });
    switch (outcome.kind) {
      case 'completed':
        log.info('job completed');
        this.emit('job:completed', outcome.job);
        return;
      case 'failed':
        log.warn({ code: outcome.job.error?.code }, 'job failed');
        this.emit('job:failed', outcome.job);
        return;
      case 'cancelled':
        log.info('job cancelled');
        this.emit('job:cancelled', outcome.job);
        return;
      case 'released':
        log.info('job handed back to Pending at shutdown');
        this.emit('job:released', { id, attempt });
        return;
      case 'superseded':
        log.warn('job outcome discarded because the attempt no longer owns the job');
    }
  }
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, timeout]);
  clearTimeout(timer);
}
