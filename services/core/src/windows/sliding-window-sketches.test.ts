/**
 * Spilled distinct counts of the sliding store: the window's union of bucket sketches, served from
 * cumulative sketches around a pivot. Checked against a sketch of the window's own values (HyperLogLog
 * union is register max, so both must give the same registers), and for cost in sketch passes.
 */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { FIXED_HASH_SEED, keyedFingerprint } from '../keyed-hash.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { START } from '../test-support/fixtures.js';
import { HyperLogLogSlab } from './hyperloglog-slab.js';
import { KeyTable } from './key-table.js';
import { MeasureLayout } from './measure-layout.js';
import { SlidingWindowStore } from './sliding-window-store.js';
import { EXACT_DISTINCT_LIMIT } from './window-store.js';
import { prng } from '../test-support/seeded-random.js';
import { slotFinder } from '../test-support/store-slots.js';

const HOP = 10_000;
const SIZE = 600_000;
const LATENESS = 180_000;
const MEASURES: Record<string, Measure> = {
  callees: { fn: 'distinct', field: 'called_number' },
  starts: { fn: 'count', where: START },
  fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
};
const number = (i: number): string => `+4477${String(10_000_000 + i)}`;

/** Busy keys: one call a second or so each, a share of them late by up to `lateBuckets` buckets, over a large callee pool (every key spills). */
function busyStream(seed: number, n: number, keys: number, lateShare: number, lateBuckets: number) {
  const rnd = prng(seed);
  let clock = T0;
  const out: { key: string; e: CallEvent; watermark: number }[] = [];
  for (let i = 0; i < n; i++) {
    clock += Math.floor(rnd() * 1_000);
    const watermark = clock - LATENESS;
    const ts = rnd() < lateShare ? clock - Math.floor(rnd() * lateBuckets * HOP) : clock;
    const e = callEvent({ call_id: `c${i}`, ts, type: rnd() < 0.8 ? 'START' : 'ANSWER', called_number: number(Math.floor(rnd() * 20_000)) });
    out.push({ key: `trunk${Math.floor(rnd() * keys)}`, e, watermark });
  }
  return out;
}

function setup() {
  const fingerprint = keyedFingerprint(FIXED_HASH_SEED);
  const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE, fingerprint);
  const store = new SlidingWindowStore(layout, SIZE, HOP, LATENESS);
  const keys = new KeyTable();
  const slotOf = slotFinder(keys, store);
  return { layout, store, slotOf, fingerprint, into: layout.newSlots() };
}

describe('SlidingWindowStore, spilled distinct counts', () => {
  it('equal a sketch of the values in the evaluated window, for windows ending with the newest bucket and late events\' own', () => {
    const { layout, store, slotOf, fingerprint, into } = setup();
    const log = new Map<string, CallEvent[]>();
    const oracle = new HyperLogLogSlab();
    const block = oracle.alloc();
    /** The estimate of a sketch fed every value of the key's events in [start, end), as the store rounds it. */
    const expected = (key: string, start: number, end: number): number => {
      oracle.clear(block);
      for (const e of log.get(key)!) if (e.ts >= start && e.ts < end) oracle.add(block, fingerprint(e.called_number));
      return Math.round(oracle.estimate(block));
    };
    const mismatches: unknown[] = [];
    let checked = 0;
    let asOf = 0;
    for (const [step, { key, e, watermark }] of busyStream(11, 6_000, 2, 0.15, 12).entries()) {
      const events = log.get(key) ?? [];
      log.set(key, events);
      events.push(e);
      const slot = slotOf(key);
      store.add(slot, e, e.ts, watermark);
      store.evaluate(slot, e.ts, into);
      // Exact until the key spills: compared once it has for sure.
      if (events.length <= 2 * EXACT_DISTINCT_LIMIT) continue;
      const want = expected(key, store.start, store.end);
      const got = layout.values(into)['callees']!;
      checked++;
      // The cache is kept by register deltas, the oracle summed afresh: the float sums may differ in the last bit.
      if (Math.abs(got - want) > 1 && mismatches.length < 3) mismatches.push({ step, key, window: [store.start - T0, store.end - T0], want, got });
      if (store.evaluateAsOf(slot, e.ts, into)) {
        asOf++;
        const wantAsOf = expected(key, store.start, store.end);
        const gotAsOf = layout.values(into)['callees']!;
        if (Math.abs(gotAsOf - wantAsOf) > 1 && mismatches.length < 3) {
          mismatches.push({ step, key, asOf: [store.start - T0, store.end - T0], want: wantAsOf, got: gotAsOf });
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(4_000);
    expect(asOf).toBeGreaterThan(300);
  });

  it('cost a few sketch passes per slide of a bucket and per late event, not one per bucket of the window', () => {
    const { store, slotOf, into } = setup();
    let slides = 0;
    const newest = new Map<string, number>();
    let late = 0;
    let passesAtStart = Number.NaN;
    for (const { key, e, watermark } of busyStream(12, 20_000, 3, 0.1, 6)) {
      const slot = slotOf(key);
      store.add(slot, e, e.ts, watermark);
      store.evaluate(slot, e.ts, into);
      if (store.evaluateAsOf(slot, e.ts, into)) late++;
      // Counted once every key has spilled and its window is full (60 buckets).
      if (e.ts < T0 + 2 * SIZE) continue;
      if (Number.isNaN(passesAtStart)) passesAtStart = store.sketchPasses;
      const end = Math.floor(e.ts / HOP);
      if (end > (newest.get(key) ?? end)) slides++;
      newest.set(key, Math.max(end, newest.get(key) ?? end));
    }
    const passes = store.sketchPasses - passesAtStart;
    expect(late).toBeGreaterThan(1_000);
    // Three keys slide 2,600-odd times between them, each with two spilled measures: merging a window's 60
    // bucket sketches would cost 60 passes a measure and slide (and as many per late window); about 4.5 are spent.
    expect(slides).toBeGreaterThan(2_000);
    expect(passes / (2 * slides)).toBeLessThan(8);
    expect(store.unionRebuilds).toBe(0);
  });
});
