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
    const w = new ExpiryWheel(1_000);
    w.ensure(4);
    w.schedule(0, 5_500);
    w.schedule(1, 5_600);
    w.schedule(2, 9_000);
    expect(collected(w, 5_500)).toEqual([]);
    expect(collected(w, 5_501)).toEqual([0]);
    expect(collected(w, 8_000)).toEqual([1]);
    expect(collected(w, 9_001)).toEqual([2]);
  });

  it('moves a key whose expiry moves, so it is not collected early', () => {
    const w = new ExpiryWheel(1_000);
    w.ensure(2);
    w.schedule(0, 2_000);
    w.schedule(0, 7_000);
    expect(collected(w, 5_000)).toEqual([]);
    expect(collected(w, 7_001)).toEqual([0]);
  });

  it('finds keys across a long jump of event time and keys scheduled behind it', () => {
    const w = new ExpiryWheel(10);
    w.ensure(3);
    w.schedule(0, 100);
    w.schedule(1, 5_000_000_000);
    expect(collected(w, 4_000_000_000)).toEqual([0]);
    w.schedule(2, 50); // behind what was already swept
    expect(collected(w, 4_000_000_001)).toEqual([2]);
    expect(collected(w, 6_000_000_000)).toEqual([1]);
  });

  it('with a budget, visits at most that many keys a call and goes on where it stopped, however keys move in between', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rnd = prng(seed);
      const g = 1 + Math.floor(rnd() * 50);
      const w = new ExpiryWheel(g);
      const full = new ExpiryWheel(g);
      const N = 40;
      w.ensure(N);
      full.ensure(N);
      let watermark = 0;
      for (let round = 0; round < 8; round++) {
        for (let i = 0; i < 30; i++) {
          const s = Math.floor(rnd() * N);
          // An owner schedules past the events it has seen, and events are not behind the watermark.
          const at = watermark + Math.floor(rnd() * 2_000);
          w.schedule(s, at);
          full.schedule(s, at);
        }
        watermark += Math.floor(rnd() * 1_000);
        const expected = collected(full, watermark);
        const budget = 1 + Math.floor(rnd() * 10);
        const got: number[] = [];
        for (let left = -1, calls = 0; left < 0; calls++) {
          let visits = 0;
          const due = new Set<number>();
          for (let s = 0; s < N; s++) if ((w.at.get(s) ?? Number.POSITIVE_INFINITY) < watermark) due.add(s);
          left = w.collect(watermark, (s) => {
            visits++;
            got.push(s);
            w.unschedule(s);
          }, budget);
          expect(visits).toBeLessThanOrEqual(budget);
          expect(calls).toBeLessThan(N + 10);
          // Between calls, keys not due move (an event for them), in the lists already visited or not.
          if (left < 0) {
            for (let k = 0; k < 8; k++) {
              const s = Math.floor(rnd() * N);
              if (due.has(s) && !got.includes(s)) continue;
              const at = watermark + Math.floor(rnd() * 2_000);
              w.schedule(s, at);
              full.schedule(s, at);
            }
          }
        }
        expect(got.sort((a, b) => a - b)).toEqual(expected);
      }
    }
  });
});
