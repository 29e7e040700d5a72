import type { JobStore } from '../store/job-store.js';

type Listener = () => void;

/**
 * Fans the store's change announcements out to watchers of single jobs, so that each
 * subscription or long poll hears only about its own job. On PostgreSQL the announcements
 * come from every process through LISTEN/NOTIFY, so a change made anywhere reaches them.
 */
export class JobWatcher {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #unsubscribe: () => void;

  constructor(store: JobStore) {
    this.#unsubscribe = store.onChange((change) => {
      if (change.id === null) return;
      for (const listener of this.#listeners.get(change.id) ?? []) listener();
    });
  }

  /** Calls `listener` after every change of the job; returns the function that stops it. */
  watch(id: string, listener: Listener): () => void {
    let listeners = this.#listeners.get(id);
    if (!listeners) {
      listeners = new Set();
      this.#listeners.set(id, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#listeners.delete(id);
    };
  }

  /**
   * Starts watching a job and returns a waiter for its next change. Call `wait` as often as
   * needed and `stop` at the end; changes between two waits are not lost.
   */
  changes(id: string): JobChanges {
    return new JobChanges(this, id);
  }

  /** Number of jobs watched now, for tests and diagnostics. */
  get watchedJobs(): number {
    return this.#listeners.size;
  }

  close(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }
}

/** The changes of one job since the last `wait`. */
export class JobChanges {
  readonly #stop: () => void;
  #pending = false;
  #wake: ((changed: boolean) => void) | undefined;

  constructor(watcher: JobWatcher, id: string) {
    this.#stop = watcher.watch(id, () => {
      this.#pending = true;
      this.#wake?.(true);
    });
  }

  /**
   * Resolves true at the job's next change, or at once when it changed since the last wait;
   * false after `timeoutMs` or when the signal aborts.
   */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve(true);
    }
    if (signal?.aborted || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (changed: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        if (changed) this.#pending = false;
        resolve(changed);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#wake = finish;
    });
  }

  /** Stops watching; a wait in progress resolves false. */
  stop(): void {
    this.#wake?.(false);
    this.#stop();
  }
}
