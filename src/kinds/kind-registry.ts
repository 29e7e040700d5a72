import type { JobKind } from './job-kind.js';

/**
 * Allowed kind names: stores send the name in space-separated change notifications, so it
 * contains no spaces or commas.
 */
const KIND_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The job kinds this process can accept and run, by name. */
export class KindRegistry {
  readonly #kinds = new Map<string, JobKind>();

  constructor(kinds: readonly JobKind[] = []) {
    for (const kind of kinds) this.register(kind);
  }

  register(kind: JobKind): void {
    if (!KIND_NAME.test(kind.name)) {
      throw new Error(
        `Invalid job kind name "${kind.name}": use 1-100 letters, digits, '_', '.', ':' or '-'.`,
      );
    }
    if (this.#kinds.has(kind.name)) throw new Error(`Job kind "${kind.name}" is registered twice.`);
    this.#kinds.set(kind.name, kind);
  }

  get(name: string): JobKind | undefined {
    return this.#kinds.get(name);
  }

  /** Returns a kind that must exist, because the schema was built with it. */
  require(name: string): JobKind {
    const kind = this.#kinds.get(name);
    if (!kind) throw new Error(`Job kind "${name}" is not registered.`);
    return kind;
  }
}
