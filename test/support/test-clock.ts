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
