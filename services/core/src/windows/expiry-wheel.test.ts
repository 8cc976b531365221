import { describe, expect, it } from 'vitest';
import { prng } from '../test-support/seeded-random.js';
import { ExpiryWheel as Wheel } from './expiry-wheel.js';

/** The wheel with its owner's expiry times: a key is due once the watermark passes its time. */
class ExpiryWheel extends Wheel {
  constructor(g: number, readonly at = new Map<number, number>()) {
    super(g, (s, wm) => (at.get(s) ?? Number.POSITIVE_INFINITY) < wm);
  }

  override schedule(slot: number, expiresAt: number): void {
    this.at.set(slot, expiresAt);
    super.schedule(slot, expiresAt);
  }
}

/** A wheel of `bucketMs` buckets over `slots` slots, with each `[slot, expiresAt]` scheduled in order. */
function wheel(bucketMs: number, slots: number, scheduled: readonly (readonly [number, number])[]): ExpiryWheel {
  const w = new ExpiryWheel(bucketMs);
  w.ensure(slots);
  for (const [slot, at] of scheduled) w.schedule(slot, at);
  return w;
}

function collected(w: ExpiryWheel, watermark: number): number[] {
  const out: number[] = [];
  w.collect(watermark, (s) => {
    out.push(s);
    w.unschedule(s);
  });
  return out.sort((a, b) => a - b);
}

describe('ExpiryWheel', () => {
  it('expires a key once the watermark passes its time, strictly', () => {
    const w = wheel(1_000, 4, [[0, 5_500], [1, 5_600], [2, 9_000]]);
    expect(collected(w, 5_500)).toEqual([]);
    expect(collected(w, 5_501)).toEqual([0]);
    expect(collected(w, 8_000)).toEqual([1]);
    expect(collected(w, 9_001)).toEqual([2]);
  });

  it('moves a key whose expiry moves, so it is not collected early', () => {
    const w = wheel(1_000, 2, [[0, 2_000], [0, 7_000]]);
    expect(collected(w, 5_000)).toEqual([]);
    expect(collected(w, 7_001)).toEqual([0]);
  });

  it('finds keys across a long jump of event time and keys scheduled behind it', () => {
    const w = wheel(10, 3, [[0, 100], [1, 5_000_000_000]]);
    expect(collected(w, 4_000_000_000)).toEqual([0]);
    w.schedule(2, 50); // behind what was already swept
    expect(collected(w, 4_000_000_001)).toEqual([2]);
    expect(collected(w, 6_000_000_000)).toEqual([1]);
  });

  it('in the tick holding the watermark, expires from the list\'s head up to the first key not due (a due key behind it waits)', () => {
    const w = new ExpiryWheel(1_000);
    w.ensure(4);
    w.schedule(0, 5_100);
    w.schedule(1, 5_700);
    w.schedule(2, 5_200);
    expect(collected(w, 5_300)).toEqual([0]);
    expect(collected(w, 6_000)).toEqual([1, 2]);
  });

  it('with a budget, expires at most that many keys a call, only due ones, and goes on until every passed tick is empty', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = prng(seed);
      const g = 1 + Math.floor(rnd() * 50);
      const w = new ExpiryWheel(g);
      const N = 40;
      w.ensure(N);
      let watermark = 0;
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 30; i++) {
          // An owner schedules past the events it has seen, and events are not behind the watermark.
          w.schedule(Math.floor(rnd() * N), watermark + Math.floor(rnd() * 2_000));
        }
        watermark += Math.floor(rnd() * 1_000);
        const budget = Math.floor(rnd() * 4);
        for (let left = -1, calls = 0; left < 0; calls++) {
          let expired = 0;
          left = w.collect(watermark, (s) => {
            expect(w.at.get(s)).toBeLessThan(watermark);
            expired++;
            w.unschedule(s);
            w.at.delete(s);
          }, budget);
          expect(expired).toBeLessThanOrEqual(budget);
          expect(calls).toBeLessThan(N + 10);
          if (budget === 0) break;
          // Between calls, keys move (an event for them).
          if (left < 0) for (let k = 0; k < 8; k++) w.schedule(Math.floor(rnd() * N), watermark + Math.floor(rnd() * 2_000));
        }
        if (budget === 0) continue;
        const last = Math.floor(watermark / g);
        for (const [s, at] of w.at) expect(Math.floor(at / g), `slot ${s} left in a passed tick`).toBeGreaterThanOrEqual(last);
      }
    }
  });
});
