import { describe, expect, it } from 'vitest';
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
});
