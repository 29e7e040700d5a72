import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../../src/store/postgres/write-batcher.js';

describe('WriteBatcher', () => {
  it('writes a lone item alone', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((item) => item * 2);
    }, 10);

    await expect(batcher.add(1)).resolves.toBe(2);
    expect(batches).toEqual([[1]]);
  });

  it('groups items of one turn and items that wait', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return items.map((item) => item * 2);
    }, 3);

    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((item) => batcher.add(item)));

    expect(results).toEqual([2, 4, 6, 8, 10, 12]);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('fails only the bad item of a failed batch', async () => {
    const batcher = new WriteBatcher<number, number>(async (items) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (items.includes(3)) throw new Error(`item 3 is invalid`);
      return items;
    }, 10);

    const results = await Promise.allSettled([1, 2, 3, 4].map((item) => batcher.add(item)));

    expect(results[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 2 });
    expect(results[2]).toMatchObject({
      status: 'rejected',
      reason: { message: 'item 3 is invalid' },
    });
    expect(results[3]).toEqual({ status: 'fulfilled', value: 4 });
  });
});
