/**
 * Group commit for one kind of write: writes made in the same event-loop turn, and writes that
 * arrive while a batch is in flight, go out together in one batch of up to `maxBatchSize`.
 * Many concurrent writes then share one statement and one commit instead of paying for one
 * each, and a lone write waits one turn at most. Every promise settles only after the batch
 * holding it has committed or failed.
 */
interface QueuedWrite<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export class WriteBatcher<Item, Result> {
  readonly #write: (items: Item[]) => Promise<Result[]>;
  readonly #maxBatchSize: number;
  #queue: QueuedWrite<Item, Result>[] = [];
  /** True while a batch is scheduled or being written. */
  #inFlight = false;

  /**
   * `write` stores a batch and returns one result per item, in the items' order. A batch that
   * fails is written again one item at a time, so a bad item fails only its own caller.
   */
  constructor(write: (items: Item[]) => Promise<Result[]>, maxBatchSize: number) {
    this.#write = write;
    this.#maxBatchSize = maxBatchSize;
  }

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#inFlight || this.#queue.length === 0) return;
    this.#inFlight = true;
    setImmediate(() => {
      const batch = this.#queue.splice(0, this.#maxBatchSize);
      void this.#writeBatch(batch).finally(() => {
        this.#inFlight = false;
        this.#flush();
      });
    });
  }

  async #writeBatch(batch: QueuedWrite<Item, Result>[]): Promise<void> {
    try {
      const results = await this.#write(batch.map((entry) => entry.item));
      for (const [index, entry] of batch.entries()) entry.resolve(results[index] as Result);
      return;
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
    }
    await Promise.all(
      batch.map(async (entry) => {
        try {
          const [result] = await this.#write([entry.item]);
          entry.resolve(result as Result);
        } catch (error) {
          entry.reject(error);
        }
      }),
    );
  }
}
