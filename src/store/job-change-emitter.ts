import type { Job } from '../job/job.js';
import type { JobChangeListener } from './job-store.js';

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

  emit(job: Pick<Job, 'id' | 'kind' | 'status'>): void {
    const change = { id: job.id, kind: job.kind, status: job.status };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
