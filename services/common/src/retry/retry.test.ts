import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.js';
import { retry } from './retry.js';
import { sleep } from './sleep.js';

describe('backoffDelay', () => {
  it.each([[0, 100], [1, 200], [2, 400], [3, 800], [4, 1_000], [40, 1_000]])('attempt %i waits %i ms (initial 100, cap 1000)', (attempt, ms) => {
    expect(backoffDelay(attempt, { initialMs: 100, maxMs: 1_000 })).toBe(ms);
  });

  it('never waits less than the first delay when the cap is below it', () => {
    expect(backoffDelay(3, { initialMs: 500, maxMs: 100 })).toBe(500);
  });

  // The blocker's cases (its retry n is attempt n - 1): equal jitter waits between half and all.
  it.each<[number, number, number]>([[0, 0, 50], [0, 1, 100], [1, 0, 100], [2, 0.5, 300], [3, 1, 800], [9, 1, 1_000], [9, 0, 500]])(
    'attempt %i with jitter %d waits %i ms', (attempt, random, ms) => {
      expect(backoffDelay(attempt, { initialMs: 100, maxMs: 1_000, jitter: true, random: () => random })).toBe(ms);
    },
  );
});

describe('sleep and retry (fake timers)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sleep resolves true after the full wait, false at once when aborted', async () => {
    const done = vi.fn();
    void sleep(1_000).then(done);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledWith(true);

    const ctl = new AbortController();
    const cut = sleep(60_000, ctl.signal);
    ctl.abort();
    await expect(cut).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleep(10, ctl.signal)).resolves.toBe(false);
  });

  it('retries with the back-off delays until fn resolves', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = retry(async (attempt) => {
      calls++;
      if (attempt < 3) throw new Error(`fail ${attempt}`);
      return 'ok';
    }, { backoff: { initialMs: 200, maxMs: 500 }, onRetry: (_err, _attempt, ms) => delays.push(ms) });
    await vi.advanceTimersByTimeAsync(200 + 400 + 499);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([200, 400, 500]);
  });

  it('calls afterWait after each wait, and what it throws ends the retries', async () => {
    const steps: string[] = [];
    const run = retry(async (attempt) => {
      steps.push(`try ${attempt}`);
      throw new Error('down');
    }, {
      backoff: { initialMs: 100, maxMs: 100 },
      afterWait: async () => {
        steps.push('heartbeat');
        if (steps.length > 3) throw new Error('rebalance');
      },
    });
    run.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(500);
    await expect(run).rejects.toThrow('rebalance');
    expect(steps).toEqual(['try 0', 'heartbeat', 'try 1', 'heartbeat']);
  });

  it('rethrows a failure that is not retryable, and the last failure past the deadline', async () => {
    await expect(retry(() => Promise.reject(new Error('fatal')), { backoff: { initialMs: 10, maxMs: 10 }, retryable: () => false })).rejects.toThrow('fatal');
    let calls = 0;
    const late = retry(() => Promise.reject(new Error(`down ${++calls}`)), { backoff: { initialMs: 200, maxMs: 5_000 }, deadline: { at: Date.now() + 1_000 } });
    late.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    // Tries at 0, 200, 600; the next would start at 1400, past the deadline.
    await expect(late).rejects.toThrow('down 3');
  });

  it('stops when the signal aborts, cutting the wait short with the stopped error', async () => {
    const ctl = new AbortController();
    const stopping = retry(() => Promise.reject(new Error('down')), {
      backoff: { initialMs: 60_000, maxMs: 60_000 }, signal: ctl.signal, stopped: () => new Error('stopping'),
    });
    stopping.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10);
    ctl.abort();
    await expect(stopping).rejects.toThrow('stopping');
    expect(vi.getTimerCount()).toBe(0);
  });
});
