import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { ANSWER, START } from '../test-support/fixtures.js';
import { BucketedWindow, type BucketedState } from './bucketed-window.js';
import { KeyTable } from './key-table.js';
import { MeasureLayout } from './measure-layout.js';
import { SlidingWindowStore } from './sliding-window-store.js';
import { prng } from '../test-support/seeded-random.js';
import { slotFinder, sweepKeys } from '../test-support/store-slots.js';

const SUM_ONLY: Record<string, Measure> = {
  starts: { fn: 'count', where: START },
  answer_rate: { fn: 'ratio', numerator: ANSWER, denominator: START },
  callees: { fn: 'distinct', field: 'called_number' },
  fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
  blocks: { fn: 'distinct_ratio', field: 'called_number', dropDigits: 2 },
  avg_duration: { fn: 'avg', field: 'duration_ms' },
};
const WITH_EXTREMES: Record<string, Measure> = {
  n: { fn: 'count' },
  longest: { fn: 'max', field: 'duration_ms' },
  shortest: { fn: 'min', field: 'duration_ms' },
  callees: { fn: 'distinct', field: 'called_number' },
};

/** The store next to the BucketedWindow it stands for, fed the same events; each step compares what both evaluate. */
function pair(measures: Record<string, Measure>, sizeMs: number, hopMs: number, latenessMs: number) {
  const layout = new MeasureLayout(measures, () => EMPTY_REFERENCE);
  const model = new BucketedWindow(layout, sizeMs, hopMs, latenessMs);
  const states = new Map<string, BucketedState>();
  const keys = new KeyTable();
  const store = new SlidingWindowStore(layout, sizeMs, hopMs, latenessMs);
  const a = layout.newSlots();
  const b = layout.newSlots();
  let sweptTo = Number.NaN;
  const slotOf = slotFinder(keys, store, () => sweptTo);
  const view = (x: Float64Array, bounds: { start: number; end: number } | undefined) =>
    bounds ? { ...layout.values(x), start: bounds.start, end: bounds.end } : undefined;
  return {
    layout, store, keys, states, model,
    add(key: string, e: CallEvent, watermark: number) {
      let st = states.get(key);
      if (!st) states.set(key, (st = model.create()));
      model.add(st, e, e.ts, watermark);
      const slot = slotOf(key);
      store.add(slot, e, e.ts, watermark);
      const want = view(a, model.evaluate(st, e.ts, a));
      store.evaluate(slot, e.ts, b);
      const got = view(b, { start: store.start, end: store.end });
      const wantAsOf = view(a, model.evaluateAsOf(st, e.ts, a));
      const gotAsOf = view(b, store.evaluateAsOf(slot, e.ts, b) ? { start: store.start, end: store.end } : undefined);
      return { want: [want, wantAsOf], got: [got, gotAsOf] };
    },
    /** The store's sweep (at most `budget` keys) and the model's (every expired key); `got` should be within `want`. */
    sweep(watermark: number, budget?: number) {
      sweptTo = watermark;
      const expired = sweepKeys(store, keys, watermark, budget);
      const want = [...states].filter(([, st]) => model.expired(st, watermark)).map(([k]) => k);
      for (const k of want) states.delete(k);
      return { want: want.sort(), got: expired.sort() };
    },
  };
}

/** Calls from a few keys with jittered, sometimes late timestamps (never below the watermark), over a small callee pool. */
function stream(seed: number, n: number, hopMs: number) {
  const rnd = prng(seed);
  let clock = T0;
  let watermark = T0 - 60_000;
  const out: { key: string; e: CallEvent; watermark: number }[] = [];
  for (let i = 0; i < n; i++) {
    clock += Math.floor(rnd() * hopMs * 0.7);
    if (rnd() < 0.02) clock += Math.floor(rnd() * 20 * hopMs); // a quiet stretch
    watermark = Math.max(watermark, clock - 3 * hopMs - Math.floor(rnd() * 5 * hopMs));
    const ts = Math.max(watermark, clock - (rnd() < 0.2 ? Math.floor(rnd() * 8 * hopMs) : 0));
    const answered = rnd() < 0.3;
    const e = callEvent({
      call_id: `c${i}`, ts, type: answered ? 'ANSWER' : 'START',
      called_number: `+4416149${String(Math.floor(rnd() * 300)).padStart(5, '0')}`,
      duration_ms: rnd() < 0.5 ? Math.floor(rnd() * 100_000) : null,
    });
    out.push({ key: `k${Math.floor(rnd() * 5)}`, e, watermark });
  }
  return out;
}

/**
 * A topic's partitions read a batch at a time, as the detector reads them: each partition's clock
 * runs behind the newest by its own lag, so two busy keys see runs of events older than their newest
 * bucket with one own bucket per run (the cached late window), lags changing between runs.
 */
function partitionedStream(seed: number, n: number, hopMs: number) {
  const rnd = prng(seed);
  let clock = T0;
  const out: { key: string; e: CallEvent; watermark: number }[] = [];
  let i = 0;
  while (i < n) {
    clock += Math.floor(rnd() * hopMs * 2);
    // Up to two windows of the counts-only case behind: the window a late event is judged with then ends before the newest too.
    const lag = rnd() < 0.5 ? 0 : Math.floor(rnd() * 25 * hopMs);
    const watermark = clock - 26 * hopMs;
    const run = 1 + Math.floor(rnd() * 30);
    for (let k = 0; k < run && i < n; k++, i++) {
      const ts = clock - lag + Math.floor(rnd() * hopMs * 0.3);
      const e = callEvent({
        call_id: `c${i}`, ts, type: rnd() < 0.3 ? 'ANSWER' : 'START',
        called_number: `+4416149${String(Math.floor(rnd() * 60)).padStart(5, '0')}`,
        duration_ms: rnd() < 0.5 ? Math.floor(rnd() * 100_000) : null,
      });
      out.push({ key: `k${Math.floor(rnd() * 2)}`, e, watermark });
    }
  }
  return out;
}

describe('SlidingWindowStore evaluates as BucketedWindow does', () => {
  it.each([
    ['sum-only measures, sliding (seed 1)', SUM_ONLY, 60_000, 10_000, 30_000, 1],
    ['sum-only measures, sliding, no lateness (seed 2)', SUM_ONLY, 60_000, 10_000, 0, 2],
    ['sum-only measures, tumbling (seed 3)', SUM_ONLY, 60_000, 60_000, 30_000, 3],
    ['max and min, sliding (seed 4)', WITH_EXTREMES, 60_000, 10_000, 30_000, 4],
    ['max and min, tumbling (seed 5)', WITH_EXTREMES, 30_000, 30_000, 0, 5],
  ] as const)('%s', (_name, measures, size, hop, lateness, seed) => {
    // Whole sweeps, and sweeps of at most 0 or 1 key: a key left expired is found on lookup, with the same results.
    for (const budget of [undefined, 0, 1]) {
      const p = pair(measures, size, hop, lateness);
      const mismatches: unknown[] = [];
      let step = 0;
      let left = 0;
      for (const { key, e, watermark } of stream(seed, 3_000, hop)) {
        const { want, got } = p.add(key, e, watermark);
        if (JSON.stringify(want) !== JSON.stringify(got) && mismatches.length < 3) mismatches.push({ budget, step, key, ts: e.ts - T0, want, got });
        if (++step % 200 === 0) {
          const swept = p.sweep(watermark, budget);
          if (swept.got.some((k) => !swept.want.includes(k)) && mismatches.length < 3) mismatches.push({ budget, step, swept });
          left += swept.want.length - swept.got.length;
        }
      }
      expect(mismatches).toEqual([]);
      if (budget === 0) expect(left).toBeGreaterThan(0);
    }
  });

  it.each([
    ['sum-only measures, sliding (seed 6)', SUM_ONLY, 60_000, 10_000, 120_000, 6],
    ['counts only, sliding, exact distinct (seed 7)', { starts: { fn: 'count', where: START }, callees: { fn: 'distinct', field: 'called_number' } }, 120_000, 10_000, 120_000, 7],
    ['max and min, sliding (seed 8)', WITH_EXTREMES, 60_000, 10_000, 120_000, 8],
  ] as const)('read from interleaved partitions: %s', (_name, measures, size, hop, lateness, seed) => {
    const p = pair(measures, size, hop, lateness);
    const mismatches: unknown[] = [];
    let step = 0;
    for (const { key, e, watermark } of partitionedStream(seed, 3_000, hop)) {
      const { want, got } = p.add(key, e, watermark);
      if (JSON.stringify(want) !== JSON.stringify(got) && mismatches.length < 3) mismatches.push({ step, key, ts: e.ts - T0, want, got });
      if (++step % 200 === 0) p.sweep(watermark);
    }
    expect(mismatches).toEqual([]);
    // Integer sum-only layouts answer most late windows from the cached total (as it is, or moved); the others never cache.
    if (measures === WITH_EXTREMES || measures === SUM_ONLY) {
      expect(p.store.cachedHits + p.store.cachedShifts).toBe(0);
    } else {
      expect(p.store.cachedHits).toBeGreaterThan(500);
      expect(p.store.cachedShifts).toBeGreaterThan(100);
    }
  });

  it('forgets everything of an expired key: a new entity in its reused slot starts from nothing', () => {
    const p = pair(SUM_ONLY, 60_000, 10_000, 0);
    for (let i = 0; i < 50; i++) p.add('old', callEvent({ ts: T0 + i * 100, called_number: `+44161496${String(i).padStart(4, '0')}` }), T0);
    const oldSlot = p.keys.find('old');
    expect(p.sweep(T0 + 200_000).got).toEqual(['old']);
    expect(p.store.bucketRecords).toBe(0);
    const { got } = p.add('new', callEvent({ ts: T0 + 300_000, called_number: '+441614960001' }), T0 + 200_000);
    expect(p.keys.find('new')).toBe(oldSlot);
    expect(got[0]).toMatchObject({ starts: 1, callees: 1, fanout: 1 });
  });

  it('holds one bucket for timestamps far apart, and drops what no window needs', () => {
    const p = pair({ n: { fn: 'count' } }, 600_000, 10_000, 180_000);
    const days = [0, 86_400_000, 365 * 86_400_000];
    for (const d of days) {
      const { want, got } = p.add('k', callEvent({ ts: T0 + d }), T0 + d);
      expect(got).toEqual(want);
      expect(p.store.bucketRecords).toBe(1);
    }
  });

  it('visits only the keys that expire: a sweep before any expiry frees none, one after frees exactly the due ones', () => {
    const p = pair({ n: { fn: 'count' } }, 60_000, 10_000, 0);
    for (let i = 0; i < 1_000; i++) p.add(`k${i}`, callEvent({ ts: T0 + i * 100 }), T0);
    expect(p.sweep(T0 + 60_000).got).toEqual([]);
    // Keys whose last event is before +40 s expire once the watermark passes +100 s.
    const swept = p.sweep(T0 + 100_000);
    expect(swept.got).toEqual(swept.want);
    expect(swept.got).toHaveLength(400);
    expect(p.keys.size).toBe(600);
  });
});
