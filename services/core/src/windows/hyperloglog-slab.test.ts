import { describe, expect, it } from 'vitest';
import { keyedFingerprint, type HashSeed } from '../keyed-hash.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { START } from '../test-support/fixtures.js';
import { HLL_STANDARD_ERROR, HyperLogLogSlab } from './hyperloglog-slab.js';
import { KeyTable } from './key-table.js';
import { MeasureLayout } from './measure-layout.js';
import { SlidingWindowStore } from './sliding-window-store.js';
import { EXACT_DISTINCT_LIMIT } from './window-store.js';

const SEEDS: HashSeed[] = [[1, 2], [0x736f6d65, 0x646f7261], [0xdeadbeef, 0x01234567], [42, 4242]];
/** The documented bound: three standard errors (about 7 %). */
const BOUND = 3 * HLL_STANDARD_ERROR;
const number = (i: number): string => `+4477${String(10_000_000 + i)}`;

describe('HyperLogLogSlab', () => {
  it.each(SEEDS.flatMap((seed) => [300, 1_000, 10_000, 100_000].map((n) => [seed, n] as const)))('estimates %j, %d values within 3 standard errors', (seed, n) => {
    const fp = keyedFingerprint(seed);
    const hll = new HyperLogLogSlab();
    const b = hll.alloc();
    for (let i = 0; i < n; i++) hll.add(b, fp(number(i)));
    expect(Math.abs(hll.estimate(b) - n) / n).toBeLessThan(BOUND);
  });

  it('merges by register max: the union of overlapping sets, each value once', () => {
    const fp = keyedFingerprint(SEEDS[0]!);
    const hll = new HyperLogLogSlab();
    const a = hll.alloc();
    const b = hll.alloc();
    for (let i = 0; i < 6_000; i++) hll.add(a, fp(number(i)));
    for (let i = 3_000; i < 9_000; i++) hll.add(b, fp(number(i)));
    hll.merge(a, b);
    expect(Math.abs(hll.estimate(a) - 9_000) / 9_000).toBeLessThan(BOUND);
  });

  it('reuses freed blocks, cleared', () => {
    const hll = new HyperLogLogSlab();
    const a = hll.alloc();
    hll.add(a, 123_456_789);
    hll.free(a);
    const b = hll.alloc();
    expect(b).toBe(a);
    expect(hll.estimate(b)).toBe(0);
  });
});

describe('distinct counts spilled from the exact set to sketches', () => {
  const MEASURES: Record<string, Measure> = {
    starts: { fn: 'count', where: START },
    callees: { fn: 'distinct', field: 'called_number' },
    fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
  };

  function feed(seed: HashSeed, calls: number, callees: number) {
    const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE, keyedFingerprint(seed));
    const store = new SlidingWindowStore(layout, 600_000, 10_000, 180_000);
    const keys = new KeyTable();
    const slot = keys.insert('trunk');
    store.ensure(keys.slotCapacity);
    store.init(slot);
    const into = layout.newSlots();
    // Spread over the 10-minute window's 60 buckets.
    for (let i = 0; i < calls; i++) {
      const ts = T0 + Math.floor((i * 590_000) / calls);
      store.add(slot, callEvent({ ts, called_number: number(i % callees) }), ts, ts - 180_000);
    }
    store.evaluate(slot, T0 + 590_000, into);
    return { values: layout.values(into), store };
  }

  it.each(SEEDS.flatMap((seed) => [EXACT_DISTINCT_LIMIT + 1, 1_000, 20_000].map((n) => [seed, n] as const)))('stays within the bound over a window of buckets: seed %j, %d callees', (seed, n) => {
    const { values } = feed(seed, n, n);
    expect(Math.abs(values['callees']! - n) / n).toBeLessThan(BOUND);
    expect(values['fanout']).toBeLessThanOrEqual(1);
    expect(values['fanout']).toBeGreaterThan(1 - BOUND);
  });

  it('is exact up to the limit', () => {
    expect(feed(SEEDS[0]!, 2 * EXACT_DISTINCT_LIMIT, EXACT_DISTINCT_LIMIT).values).toEqual({
      starts: 2 * EXACT_DISTINCT_LIMIT, callees: EXACT_DISTINCT_LIMIT, fanout: 0.5,
    });
  });

  it('tells a fan-out campaign from repeat calls once spilled (distinct_ratio 1.0 against 0.3)', () => {
    expect(feed(SEEDS[1]!, 3_000, 3_000).values['fanout']).toBeGreaterThanOrEqual(0.9);
    const repeat = feed(SEEDS[1]!, 3_000, 900).values['fanout']!;
    expect(Math.abs(repeat - 0.3)).toBeLessThan(0.3 * BOUND);
  });

  it('keeps memory bounded however many distinct values one key sees', () => {
    const small = feed(SEEDS[2]!, 20_000, 20_000).store.bytes();
    const large = feed(SEEDS[2]!, 200_000, 200_000).store.bytes();
    // Sketches per bucket, not records per value: ten times the values, the same memory.
    expect(large).toBeLessThan(small * 1.5);
    expect(large).toBeLessThan(2_000_000);
  });
});
