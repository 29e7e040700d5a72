import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableDelay } from '../../src/client/abortable-delay.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('abortableDelay', () => {
  it('resolves after the delay', async () => {
    const delay = abortableDelay(1_000);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(delay).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the reason on abort', async () => {
    const controller = new AbortController();
    const delay = abortableDelay(60_000, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(delay).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once when already aborted', async () => {
    const reason = new Error('stopped before');
    await expect(abortableDelay(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its abort listener after resolving', async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const delay = abortableDelay(10, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await delay;
    expect(remove).toHaveBeenCalledWith('abort', expect.any(Function));
  });
});
