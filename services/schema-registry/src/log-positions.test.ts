import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogPositions } from './log-positions.js';

describe('LogPositions', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('an empty topic is reached at once', async () => {
    await new LogPositions().waitFor([{ partition: 0, offset: '0' }], 10, 't');
  });

  it('resolves when every partition passes its end offset', async () => {
    const positions = new LogPositions();
    let done = false;
    const wait = positions.waitFor([{ partition: 0, offset: '3' }, { partition: 1, offset: '1' }], 1_000, 't').then(() => {
      done = true;
    });
    positions.advance(0, 3n);
    await Promise.resolve();
    expect(done).toBe(false);
    positions.advance(1, 1n);
    await wait;
    expect(done).toBe(true);
  });

  it('times out naming where the reader is', async () => {
    vi.useFakeTimers();
    const positions = new LogPositions();
    positions.advance(0, 2n);
    const wait = positions.waitFor([{ partition: 0, offset: '5' }], 500, 'topic _schemas');
    vi.advanceTimersByTime(500);
    await expect(wait).rejects.toThrow('topic _schemas not read to its end within 500 ms (partition 0: at 2 of 5)');
  });

  it('a failed reader rejects current and later waits', async () => {
    const positions = new LogPositions();
    const wait = positions.waitFor([{ partition: 0, offset: '1' }], 1_000, 't');
    positions.fail(new Error('crashed'));
    await expect(wait).rejects.toThrow('crashed');
    await expect(positions.waitFor([{ partition: 0, offset: '0' }], 1_000, 't')).rejects.toThrow('crashed');
  });
});
