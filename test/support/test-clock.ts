import type { JobStore, JobStoreOptions } from '../../src/store/job-store.js';

/** A clock that tests move by hand, in epoch milliseconds. */
export class TestClock {
  #now: number;

  constructor(start = Date.parse('2025-11-08T09:00:00.000Z')) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Adapts a store constructor to the contract suite's factory, driving it with a TestClock. */
export function withTestClock(create: (options: Required<JobStoreOptions>) => JobStore) {
  return async (options: { retentionMs: number }) => {
    const clock = new TestClock();
    return {
      store: create({ retentionMs: options.retentionMs, now: clock.now }),
      advance: async (ms: number) => clock.advance(ms),
      now: clock.now,
      exactClock: true,
    };
  };
}
