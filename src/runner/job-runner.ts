import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import type { JobChange, JobStore } from '../store/job-store.js';
import { type ExecutionOutcome, JobExecution } from './job-execution.js';
import type { RunnerEvents } from './runner-events.js';

/** Default number of jobs one process runs at the same time. */
export const DEFAULT_CONCURRENCY = 4;
/** How often an idle runner looks for Pending jobs that no change announcement reported, in milliseconds. */
export const IDLE_POLL_INTERVAL_MS = 1_000;
/** First and last wait after a failed claim, in milliseconds; it doubles while claims fail. */
export const CLAIM_RETRY_MIN_DELAY_MS = 500;
export const CLAIM_RETRY_MAX_DELAY_MS = 10_000;
/** Default lease of one attempt, in milliseconds; heartbeats renew it three times per lease. */
export const DEFAULT_LEASE_MS = 15_000;
/** How often a runner takes back attempts whose lease expired, in milliseconds. */
export const DEFAULT_SWEEP_INTERVAL_MS = 2_000;

export interface JobRunnerOptions {
  store: JobStore;
  kinds: KindRegistry;
  logger: Logger;
  /** Jobs run at the same time. Default DEFAULT_CONCURRENCY. */
  concurrency?: number;
  /** Idle polling interval in milliseconds. Default IDLE_POLL_INTERVAL_MS. */
  idlePollIntervalMs?: number;
  /** Lease of one attempt in milliseconds. Default DEFAULT_LEASE_MS. */
  leaseMs?: number;
  /** Heartbeat interval in milliseconds. Default a third of the lease. */
  heartbeatIntervalMs?: number;
  /** Interval of expired-lease sweeps in milliseconds. Default DEFAULT_SWEEP_INTERVAL_MS. */
  sweepIntervalMs?: number;
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
  readonly #leaseMs: number;
  readonly #heartbeatIntervalMs: number;
  readonly #sweepIntervalMs: number;
  /** Stored with each lease, so an operator can tell which process owns a running job. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #running = new Map<string, JobExecution>();
  /**
   * Slots whose processor is still running. A slot is freed before its outcome is written, so
   * the next claim overlaps that write; `#running` keeps the job until the write is done.
   */
  #busySlots = 0;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #settled = new Set<Promise<void>>();
  #unsubscribe: (() => void) | undefined;
  #claiming = false;
  #claimRetryDelayMs = CLAIM_RETRY_MIN_DELAY_MS;
  #claimAgain = false;
  #claimScheduled = false;
  #accepting = false;

  constructor(options: JobRunnerOptions) {
    super();
    this.#store = options.store;
    this.#kinds = options.kinds;
    this.#log = options.logger.child({ component: 'runner' });
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#idlePollIntervalMs = options.idlePollIntervalMs ?? IDLE_POLL_INTERVAL_MS;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.floor(this.#leaseMs / 3);
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
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
    this.#every(this.#idlePollIntervalMs, () => this.#requestClaim());
    this.#every(this.#heartbeatIntervalMs, () => this.#heartbeat());
    this.#every(this.#sweepIntervalMs, () => this.#sweepExpiredLeases());
    this.#log.info(
      { concurrency: this.#concurrency, owner: this.owner, leaseMs: this.#leaseMs },
      'runner started',
    );
    this.#requestClaim();
  }

  /**
   * Stops claiming, gives running jobs `graceMs` to finish, then aborts the rest and hands them
   * back to Pending without using up their attempt.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#accepting = false;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#unsubscribe?.();
    const drained = Promise.allSettled([...this.#settled]);
    if (this.#running.size > 0 && graceMs > 0) await waitAtMost(drained, graceMs);
    for (const execution of this.#running.values()) execution.abort({ kind: 'shutdown' });
    await Promise.allSettled([...this.#settled]);
    this.#log.info('runner stopped');
  }

  #every(intervalMs: number, task: () => void): void {
    const timer = setInterval(task, intervalMs);
    timer.unref();
    this.#timers.push(timer);
  }

  /**
   * Renews the leases of running attempts. An attempt missing from the result lost its lease and
   * stops without writing; one that is now Cancelling is aborted, which covers cancel requests
   * whose notification never arrived.
   */
  async #heartbeat(): Promise<void> {
    const attempts = [...this.#running.values()].map(({ job }) => ({
      id: job.id,
      attempt: job.attempt,
    }));
    if (attempts.length === 0) return;
    let renewed: Awaited<ReturnType<JobStore['renewLeases']>>;
    try {
      renewed = await this.#store.renewLeases(attempts, this.#leaseMs);
    } catch (error) {
      this.#log.warn({ err: error }, 'renewing leases failed; retrying at the next heartbeat');
      this.emit('runner:error', error);
      return;
    }
    const statusById = new Map(renewed.map((lease) => [lease.id, lease.status]));
    for (const { id, attempt } of attempts) {
      const execution = this.#running.get(id);
      if (execution?.job.attempt !== attempt) continue;
      const status = statusById.get(id);
      if (status === undefined) {
        this.#log.warn({ jobId: id, attempt }, 'lease lost; stopping the attempt without writing');
        execution.abort({ kind: 'lease_lost' });
      } else if (status === 'Cancelling') {
        execution.abort({ kind: 'cancelled' });
      }
    }
  }

  /**
   * Takes back jobs of runners that stopped renewing their leases, such as killed processes, and
   * fails queued jobs whose deadline has passed.
   */
  async #sweepExpiredLeases(): Promise<void> {
    try {
      const reclaimed = await this.#store.reclaimExpired();
      if (reclaimed > 0) {
        this.#log.warn({ reclaimed }, 'took back jobs whose lease expired');
        this.#requestClaim();
      }
      const overdue = await this.#store.failOverdue();
      if (overdue > 0)
        this.#log.warn({ failed: overdue }, 'failed queued jobs past their deadline');
    } catch (error) {
      this.#log.warn({ err: error }, 'sweeping expired leases and deadlines failed; retrying');
      this.emit('runner:error', error);
    }
  }

  #onStoreChange(change: JobChange): void {
    // Claim on the next turn, so that the submitting request finishes its own work first.
    if (change.status === 'Pending') this.#requestClaimSoon();
    if (change.status === 'Cancelling') this.#running.get(change.id)?.abort({ kind: 'cancelled' });
  }

  /**
   * Requests a claim on the next event-loop turn. Jobs that finish in the same turn, such as
   * the ones of one batched completion, then free their slots for a single claim.
   */
  #requestClaimSoon(): void {
    if (this.#claimScheduled) return;
    this.#claimScheduled = true;
    setImmediate(() => {
      this.#claimScheduled = false;
      this.#requestClaim();
    });
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
    const free = this.#concurrency - this.#busySlots;
    if (free <= 0) return;
    try {
      const jobs = await this.#store.claim(free, { owner: this.owner, leaseMs: this.#leaseMs });
      this.#claimRetryDelayMs = CLAIM_RETRY_MIN_DELAY_MS;
      for (const job of jobs) this.#execute(job);
      if (jobs.length === free) this.#claimAgain = true;
    } catch (error) {
      const delay = this.#claimRetryDelayMs;
      this.#log.error({ err: error, retryInMs: delay }, 'claiming jobs failed; retrying');
      this.emit('runner:error', error);
      this.#claimRetryDelayMs = Math.min(CLAIM_RETRY_MAX_DELAY_MS, delay * 2);
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }

  #execute(job: JobExecution['job']): void {
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.#busySlots -= 1;
      this.#requestClaimSoon();
    };
    this.#busySlots += 1;
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
      onProcessed: freeSlot,
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
        freeSlot();
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
      case 'retrying':
        log.warn(
          {
            code: outcome.job.error?.code,
            maxAttempts: outcome.job.maxAttempts,
            nextAttemptAt: outcome.job.nextAttemptAt,
          },
          'job attempt failed; retrying',
        );
        this.emit('job:retrying', outcome.job);
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
