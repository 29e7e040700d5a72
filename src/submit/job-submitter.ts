import { AppError } from '../errors/app-error.js';
import type { Job } from '../job/job.js';
import { createJobId } from '../job/job-id.js';
import { DEFAULT_DEADLINE_MS, NO_RETRIES } from '../kinds/job-kind.js';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import type { JobStore, NewJob } from '../store/job-store.js';
import { payloadFingerprint } from './idempotency.js';

/** An idempotency key with the caller it belongs to. */
export interface SubmitKey {
  scope: string;
  key: string;
}

export interface SubmitResult {
  job: Job;
  /** True when an earlier request with the same idempotency key created the job. */
  replayed: boolean;
}

/** The key was first used for a different payload; nothing was created. */
export class IdempotencyKeyMismatchError extends AppError {
  /** The job the key belongs to. */
  readonly jobId: string;

  constructor(key: string, jobId: string) {
    super(
      'idempotency_key_mismatch',
      `Idempotency key "${key}" was already used for job ${jobId} with a different payload. ` +
        'Send the same payload to get that job, or use a new key.',
      { field: 'idempotencyKey' },
    );
    this.name = 'IdempotencyKeyMismatchError';
    this.jobId = jobId;
  }
}

/** Another request with the same key is still being processed; retry shortly. */
export class IdempotencyKeyInUseError extends AppError {
  constructor(key: string) {
    super(
      'idempotency_key_in_use',
      `A request with idempotency key "${key}" is still being processed. Retry in a second.`,
      { field: 'idempotencyKey' },
    );
    this.name = 'IdempotencyKeyInUseError';
  }
}

export interface JobSubmitterOptions {
  store: JobStore;
  kinds: KindRegistry;
  logger: Logger;
  /** How long an idempotency key is kept after its first use, in milliseconds. */
  idempotencyKeyTtlMs: number;
}

/**
 * Creates jobs with their kind's attempt limit and deadline, and applies idempotency keys: a
 * repeated key with the same payload returns the first job, with a different payload fails.
 */
export class JobSubmitter {
  readonly #options: JobSubmitterOptions;
  /** Keys of requests in progress in this process, as `scope` and `key` in JSON. */
  readonly #inFlight = new Set<string>();

  constructor(options: JobSubmitterOptions) {
    this.#options = options;
  }

  async submit(kindName: string, input: unknown, key?: SubmitKey): Promise<SubmitResult> {
    const kind = this.#options.kinds.require(kindName);
    const newJob: NewJob = {
      id: createJobId(),
      kind: kindName,
      input,
      maxAttempts: (kind.retry ?? NO_RETRIES).maxAttempts,
      deadlineMs: kind.deadlineMs === undefined ? DEFAULT_DEADLINE_MS : kind.deadlineMs,
    };
    const log = this.#options.logger;
    if (!key) {
      const job = await this.#options.store.insert(newJob);
      log.info({ jobId: job.id, kind: job.kind }, 'job submitted');
      return { job, replayed: false };
    }

    const flightKey = JSON.stringify([key.scope, key.key]);
    if (this.#inFlight.has(flightKey)) throw new IdempotencyKeyInUseError(key.key);
    this.#inFlight.add(flightKey);
    try {
      const outcome = await this.#options.store.insertWithKey(newJob, {
        ...key,
        fingerprint: payloadFingerprint(kindName, input),
        ttlMs: this.#options.idempotencyKeyTtlMs,
      });
      if (outcome.kind === 'mismatch') {
        throw new IdempotencyKeyMismatchError(key.key, outcome.job.id);
      }
      const replayed = outcome.kind === 'existing';
      log.info(
        { jobId: outcome.job.id, kind: outcome.job.kind, replayed },
        replayed ? 'job submit replayed by idempotency key' : 'job submitted',
      );
      return { job: outcome.job, replayed };
    } finally {
      this.#inFlight.delete(flightKey);
    }
  }
}
