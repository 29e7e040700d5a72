import { StoreUnavailableError } from '../errors/app-error.js';
import type { Job, JobFailure } from '../job/job.js';
import { JobFailedError, type JobKind } from '../kinds/job-kind.js';
import type { Logger } from '../log/logger.js';
import type { JobStore } from '../store/job-store.js';
import { type AbortReason, RunnerAbortError } from './abort-reasons.js';
import { retryDelayMs } from './retry-delay.js';

/** Outcome of a single attempt, after it was written. */
export type ExecutionOutcome =
  | { kind: 'completed'; job: Job }
  | { kind: 'failed'; job: Job }
  /** A retryable failure with attempts left: the job is Pending until `job.nextAttemptAt`. */
  | { kind: 'retrying'; job: Job }
  | { kind: 'cancelled'; job: Job }
  | { kind: 'released' }
  /** The store refused the write: the attempt no longer owned the job. */
  | { kind: 'superseded' };

const INTERNAL_FAILURE_MESSAGE = 'The job failed because of an internal error.';

/**
 * Waits between attempts to write an outcome while the store is unavailable, in milliseconds.
 * They add up to under 8 s, inside the default 15 s lease. Once the lease is gone the store
 * rejects the write anyway, and the job runs again elsewhere.
 */
const OUTCOME_RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000];

/**
 * Runs one claimed attempt of a job: starts its processor with an AbortSignal, enforces the
 * kind's time limit, and writes the outcome by compare-and-set on the attempt.
 */
export class JobExecution {
  readonly job: Job;
  readonly #kind: JobKind | undefined;
  readonly #store: JobStore;
  readonly #logger: Logger;
  #jobLogger: Logger | undefined;
  /** The abort of this attempt, once `abort()` was called. */
  #abortError: RunnerAbortError | undefined;
  /** Created when the processor first reads its signal, because most processors never do. */
  #controller: AbortController | undefined;
  /** Rejects the wait for the processor with the abort reason. Set while the processor runs. */
  #stopWaiting: ((reason: unknown) => void) | undefined;
  readonly #onProgress: (percent: number, message: string) => void;
  readonly #onProcessed: () => void;

  constructor(options: {
    job: Job;
    kind: JobKind | undefined;
    store: JobStore;
    logger: Logger;
    onProgress: (percent: number, message: string) => void;
    /**
     * Called once the processor has settled or been abandoned, before the outcome is written.
     * Not called for an attempt whose processor never started.
     */
    onProcessed?: () => void;
  }) {
    this.job = options.job;
    this.#kind = options.kind;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#onProgress = options.onProgress;
    this.#onProcessed = options.onProcessed ?? (() => {});
  }

  abort(reason: AbortReason): void {
    if (this.#abortError) return;
    this.#abortError = new RunnerAbortError(reason);
    this.#controller?.abort(this.#abortError);
    this.#stopWaiting?.(this.#abortError);
  }

  /** The processor's signal, aborted already when the attempt was. */
  get #signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortError) this.#controller.abort(this.#abortError);
    }
    return this.#controller.signal;
  }

  /** Logger bound to the job and attempt, created on first use since most attempts log nothing. */
  get #log(): Logger {
    this.#jobLogger ??= this.#logger.child({ jobId: this.job.id, attempt: this.job.attempt });
    return this.#jobLogger;
  }

  /**
   * Runs the processor and writes the outcome. An attempt aborted before it ran (a held job that
   * was cancelled, lost its lease or was handed back at shutdown) never starts its processor and
   * goes straight to the handling of its abort reason.
   */
  async run(): Promise<ExecutionOutcome> {
    if (this.#abortError) return this.#recordError(this.#abortError);
    const kind = this.#kind;
    if (!kind) {
      this.#log.error({ kind: this.job.kind }, 'job kind is not registered in this process');
      return this.#fail({
        code: 'processor_error',
        message: INTERNAL_FAILURE_MESSAGE,
        retryable: false,
      });
    }
    const timer = setTimeout(
      () => this.abort({ kind: 'timeout', timeoutMs: kind.timeoutMs }),
      kind.timeoutMs,
    );
    let processed = false;
    const markProcessed = () => {
      if (processed) return;
      processed = true;
      this.#onProcessed();
    };
    try {
      const result = await this.#process(kind);
      markProcessed();
      return await this.#complete(result);
    } catch (error) {
      markProcessed();
      return await this.#recordError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs the processor, but stops waiting for it as soon as the signal aborts. */
  async #process(kind: JobKind): Promise<unknown> {
    const parsed = kind.inputSchema.safeParse(this.job.input);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'The stored input is invalid.';
      throw new JobFailedError('unprocessable_input', message);
    }
    const input = parsed.data;
    // Only `abort()` aborts the signal, so it rejects this wait directly, which costs less than
    // an event listener per attempt.
    const aborted = new Promise<never>((_, reject) => {
      this.#stopWaiting = reject;
    });
    const execution = this;
    const processing = kind.process(input, {
      jobId: this.job.id,
      attempt: this.job.attempt,
      createdAt: this.job.createdAt,
      get signal() {
        return execution.#signal;
      },
      reportProgress: (percent, message) => this.#reportProgress(percent, message),
    });
    // A processor that ignores its signal keeps running, but its late result is ignored.
    processing.catch(() => {});
    return Promise.race([processing, aborted]);
  }

  async #reportProgress(percent: number, message: string): Promise<void> {
    const progress = { percent: Math.round(Math.min(100, Math.max(0, percent))), message };
    const owned = await this.#store.updateProgress(this.job.id, this.job.attempt, progress);
    if (owned) this.#onProgress(progress.percent, message);
  }

  async #complete(result: unknown): Promise<ExecutionOutcome> {
    const job = await this.#retryWhileUnavailable(() =>
      this.#store.complete(this.job.id, this.job.attempt, result, this.job),
    );
    if (job) return { kind: 'completed', job };
    return this.#settleRefusedWrite();
  }

  /** Fails the attempt: a retry when the failure is retryable and attempts remain, else final. */
  async #fail(failure: JobFailure): Promise<ExecutionOutcome> {
    const policy = this.#kind?.retry;
    if (failure.retryable && policy && this.job.attempt < this.job.maxAttempts) {
      const delayMs = retryDelayMs(policy, this.job.attempt);
      const waiting = await this.#retryWhileUnavailable(() =>
        this.#store.retry(this.job.id, this.job.attempt, failure, delayMs),
      );
      if (waiting) return { kind: 'retrying', job: waiting };
      return this.#settleRefusedWrite();
    }
    const job = await this.#retryWhileUnavailable(() =>
      this.#store.fail(this.job.id, this.job.attempt, failure),
    );
    if (job) return { kind: 'failed', job };
    return this.#settleRefusedWrite();
  }

  /** A refused write means a cancel request came first, or another attempt owns the job. */
  async #settleRefusedWrite(): Promise<ExecutionOutcome> {
    const job = await this.#retryWhileUnavailable(() => this.#store.finishCancel(this.job.id));
    return job ? { kind: 'cancelled', job } : { kind: 'superseded' };
  }

  /** Repeats a compare-and-set write while the store is unavailable; it is safe to repeat. */
  async #retryWhileUnavailable<T>(write: () => Promise<T>): Promise<T> {
    for (const delay of OUTCOME_RETRY_DELAYS_MS) {
      try {
        return await write();
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        this.#log.warn(
          { err: error.cause, retryInMs: delay },
          'writing the outcome failed; retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    return write();
  }

  async #recordError(error: unknown): Promise<ExecutionOutcome> {
    const reason = this.#abortError?.reason;
    if (reason?.kind === 'cancelled') return this.#settleRefusedWrite();
    if (reason?.kind === 'lease_lost') return { kind: 'superseded' };
    if (reason?.kind === 'shutdown') {
      const released = await this.#retryWhileUnavailable(() =>
        this.#store.release(this.job.id, this.job.attempt),
      );
      return released ? { kind: 'released' } : { kind: 'superseded' };
    }
    if (reason?.kind === 'timeout') {
      const message = `The job did not finish within its time limit of ${reason.timeoutMs} ms.`;
      return this.#fail({ code: 'timeout', message, retryable: true });
    }
    if (error instanceof JobFailedError) {
      return this.#fail({ code: error.code, message: error.message, retryable: error.retryable });
    }
    this.#log.error({ err: error }, 'job processor threw an unexpected error');
    return this.#fail({
      code: 'processor_error',
      message: INTERNAL_FAILURE_MESSAGE,
      retryable: false,
    });
  }
}
