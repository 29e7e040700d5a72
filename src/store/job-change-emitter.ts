import type { Job } from '../job/job.js';
import type { JobChange, JobChangeListener } from './job-store.js';

/**
 * Fans committed job changes out to in-process listeners. A listener that throws is reported to
 * `onListenerError` and never undoes or fails the write that caused the change.
 */
export class JobChangeEmitter {
  readonly #listeners = new Set<JobChangeListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  subscribe(listener: JobChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Announces a change of one existing job. */
  emit(job: Pick<Job, 'id' | 'kind' | 'status'>): void {
    this.#send({ id: job.id, kind: job.kind, status: job.status });
  }

  /** Announces new Pending jobs of one kind. */
  emitInserted(kind: string): void {
    this.#send({ id: null, kind, status: 'Pending' });
  }

  #send(change: JobChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
