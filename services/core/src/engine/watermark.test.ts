import { describe, expect, it } from 'vitest';
import { CallRegistry } from './call-registry.js';
import { Watermark } from './watermark.js';

describe('Watermark', () => {
  it('is the newest event time minus the lateness; only strictly older events are late', () => {
    const w = new Watermark(30_000);
    expect(w.isLate(0)).toBe(false);
    w.observe(100_000);
    w.observe(90_000); // out of order: does not move it back
    expect([w.value, w.maxEventTs]).toEqual([70_000, 100_000]);
    expect([w.isLate(69_999), w.isLate(70_000)]).toEqual([true, false]);
    w.setLateness(0);
    expect(w.isLate(99_999)).toBe(true);
  });
});

describe('CallRegistry', () => {
  it('sees each moment of a call once, and forgets calls the watermark has passed', () => {
    const r = new CallRegistry();
    expect([
      r.firstSighting('c1', 'START', 1_000),
      r.firstSighting('c1', 'START', 1_000),
      r.firstSighting('c1', 'ANSWER', 2_000),
      r.firstSighting('c1', 'END', 9_000),
      r.firstSighting('c1', 'END', 9_000),
      r.firstSighting('c2', 'END', 5_000),
    ]).toEqual([true, false, true, true, false, true]);
    r.sweep(6_000);
    expect(r.size).toBe(1);
    expect(r.firstSighting('c1', 'ANSWER', 2_000)).toBe(false);
  });
});
