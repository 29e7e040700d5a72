import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Job } from '../job/job.js';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import type { JobChange, JobStore } from '../store/job-store.js';
import type { AbortReason } from './abort-reasons.js';
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
  /**
   * Claimed jobs held beyond the free slots, so that a slot that frees starts the next job
   * without a store round trip. Held jobs are Running in the store, leased to this runner, from
   * the claim on. Default 0: claim only as many jobs as there are free slots.
   */
  prefetch?: number;
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
 * Claims Pending jobs from the store and runs them, up to `concurrency` at a time, holding up to
 * `prefetch` more claimed jobs until a slot frees. New submissions and finished jobs wake it at
 * once; an idle timer covers anything else.
 */
export class JobRunner extends EventEmitter<RunnerEvents> {
  readonly #store: JobStore;
  readonly #kinds: KindRegistry;
  readonly #log: Logger;
  readonly #concurrency: number;
  readonly #prefetch: number;
  readonly #idlePollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #heartbeatIntervalMs: number;
  readonly #sweepIntervalMs: number;
  /** Stored with each lease, so an operator can tell which process owns a running job. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Every claimed attempt whose outcome is not written yet, held ones included. */
  readonly #running = new Map<string, JobExecution>();
  /** Claimed attempts waiting for a slot, oldest claim first; each is also in `#running`. */
  readonly #held: JobExecution[] = [];
  /**
   * Attempts whose processor is still running, one per slot. A slot is freed before its outcome
   * is written, so the next job starts while that write is in flight. `#running` keeps the job
   * until the write is done.
   */
  readonly #slots = new Set<JobExecution>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #settled = new Set<Promise<void>>();
  #unsubscribe: (() => void) | undefined;
  #claiming = false;
  #claimRetryDelayMs = CLAIM_RETRY_MIN_DELAY_MS;
  #claimAgain = false;
  /** The claim in flight, until its jobs are held; `stop()` waits for it to hand them back. */
  #claimInFlight: Promise<unknown> | undefined;
  #claimScheduled = false;
  #accepting = false;

  constructor(options: JobRunnerOptions) {
    super();
    this.#store = options.store;
    this.#kinds = options.kinds;
    this.#log = options.logger.child({ component: 'runner' });
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#prefetch = options.prefetch ?? 0;
    if (!Number.isSafeInteger(this.#prefetch) || this.#prefetch < 0) {
      throw new RangeError(
        `Invalid prefetch ${this.#prefetch}: expected a whole number of 0 or more.`,
      );
    }
    this.#idlePollIntervalMs = options.idlePollIntervalMs ?? IDLE_POLL_INTERVAL_MS;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.floor(this.#leaseMs / 3);
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  }

  /** Number of jobs started in this process whose outcome is not written yet. */
  get activeCount(): number {
    return this.#running.size - this.#held.length;
  }

  /** Number of claimed jobs waiting for a free slot. */
  get heldCount(): number {
    return this.#held.length;
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
      {
        concurrency: this.#concurrency,
        prefetch: this.#prefetch,
        owner: this.owner,
        leaseMs: this.#leaseMs,
      },
      'runner started',
    );
    this.#requestClaim();
  }

  /**
   * Stops claiming and hands held jobs back to Pending at once. Then gives running jobs `graceMs`
   * to finish, aborts the rest and hands them back too. No attempt handed back is used up.
   */
  async stop(graceMs = 0): Promise<void> {
    this.#accepting = false;
    for (const timer of this.#timers.splice(0)) clearInterval(timer);
    this.#unsubscribe?.();
    await this.#claimInFlight;
    for (const execution of [...this.#held]) this.#abort(execution, { kind: 'shutdown' });
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
   * Renews the leases of running and held attempts. An attempt missing from the result lost its
   * lease and stops without writing. One that is now Cancelling is aborted, which covers cancel
   * requests whose notification never arrived.
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
        this.#abort(execution, { kind: 'lease_lost' });
      } else if (status === 'Cancelling') {
        this.#abort(execution, { kind: 'cancelled' });
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
    if (change.status !== 'Cancelling' || change.id === null) return;
    const execution = this.#running.get(change.id);
    if (execution) this.#abort(execution, { kind: 'cancelled' });
  }

  /**
   * Aborts an attempt. A held attempt leaves the queue and runs at once without a slot: its
   * processor never starts, and it only writes the outcome of the abort.
   */
  #abort(execution: JobExecution, reason: AbortReason): void {
    execution.abort(reason);
    const index = this.#held.indexOf(execution);
    if (index === -1) return;
    this.#held.splice(index, 1);
    this.#settle(execution);
    this.#requestClaimSoon();
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

  /** Claims jobs for the free slots plus the prefetch, less the jobs already held. */
  async #claimFreeSlots(): Promise<void> {
    const free = this.#concurrency - this.#slots.size;
    const requested = free + this.#prefetch - this.#held.length;
    if (requested <= 0) return;
    const claimed = this.#store
      .claim(requested, { owner: this.owner, leaseMs: this.#leaseMs })
      .then((jobs) => {
        for (const job of jobs) this.#hold(job);
        return jobs.length;
      });
    this.#claimInFlight = claimed.catch(() => {});
    try {
      const count = await claimed;
      this.#claimRetryDelayMs = CLAIM_RETRY_MIN_DELAY_MS;
      this.#startHeld();
      if (count === requested) this.#claimAgain = true;
    } catch (error) {
      const delay = this.#claimRetryDelayMs;
      this.#log.error({ err: error, retryInMs: delay }, 'claiming jobs failed; retrying');
      this.emit('runner:error', error);
      this.#claimRetryDelayMs = Math.min(CLAIM_RETRY_MAX_DELAY_MS, delay * 2);
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    } finally {
      this.#claimInFlight = undefined;
    }
  }

  /** Creates the execution of a claimed job and queues it for a slot. */
  #hold(job: Job): void {
    const execution: JobExecution = new JobExecution({
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
      onProcessed: () => this.#freeSlot(execution),
    });
    this.#running.set(job.id, execution);
    this.#held.push(execution);
  }

  /** Starts held jobs, oldest claim first, while slots are free and the runner accepts work. */
  #startHeld(): void {
    while (this.#accepting && this.#slots.size < this.#concurrency) {
      const execution = this.#held.shift();
      if (!execution) return;
      const { job } = execution;
      this.#slots.add(execution);
      this.#log.info({ jobId: job.id, kind: job.kind, attempt: job.attempt }, 'job started');
      // A slot that frees inside another attempt's run starts this job, so a throwing listener
      // must not reach that attempt, which would record the error as its own failure.
      try {
        this.emit('job:started', job);
      } catch (error) {
        this.#log.error({ err: error, jobId: job.id }, 'a job:started listener failed');
      }
      this.#settle(execution);
    }
  }

  /** Frees the slot of an attempt, once: the next held job starts and the queue is topped up. */
  #freeSlot(execution: JobExecution): void {
    if (!this.#slots.delete(execution)) return;
    this.#startHeld();
    this.#requestClaimSoon();
  }

  /** Runs an attempt and reports its outcome; the job leaves `#running` once that is written. */
  #settle(execution: JobExecution): void {
    const { job } = execution;
    const settled = execution
      .run()
      .then((outcome) => this.#report(execution, outcome))
      .catch((error: unknown) => {
        this.#log.error({ err: error, jobId: job.id }, 'recording the job outcome failed');
        this.emit('runner:error', error);
      })
      .finally(() => {
        // The job may have come back to this runner as a newer attempt in the meantime.
        if (this.#running.get(job.id) === execution) this.#running.delete(job.id);
        this.#settled.delete(settled);
        this.#freeSlot(execution);
      });
    this.#settled.add(settled);
  }

  #report(execution: JobExecution, outcome: ExecutionOutcome): void {
    const { id, attempt } = execution.job;
    // Bindings per call instead of a child logger, which pino would build for every job.
    const ids = { jobId: id, attempt };
    switch (outcome.kind) {
      case 'completed':
        this.#log.info(ids, 'job completed');
        this.emit('job:completed', outcome.job);
        return;
      case 'failed':
        this.#log.warn({ ...ids, code: outcome.job.error?.code }, 'job failed');
        this.emit('job:failed', outcome.job);
        return;
      case 'retrying':
        this.#log.warn(
          {
            ...ids,
            code: outcome.job.error?.code,
            maxAttempts: outcome.job.maxAttempts,
            nextAttemptAt: outcome.job.nextAttemptAt,
          },
          'job attempt failed; retrying',
        );
        this.emit('job:retrying', outcome.job);
        return;
      case 'cancelled':
        this.#log.info(ids, 'job cancelled');
        this.emit('job:cancelled', outcome.job);
        return;
      case 'released':
        this.#log.info(ids, 'job handed back to Pending at shutdown');
        this.emit('job:released', { id, attempt });
        return;
      case 'superseded':
        this.#log.warn(ids, 'job outcome discarded because the attempt no longer owns the job');
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
