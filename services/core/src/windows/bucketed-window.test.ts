import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { BucketedWindow, type BucketedState } from './bucketed-window.js';
import { MeasureLayout } from './measure-layout.js';

const S = 1_000;

function setup(sizeMs: number, hopMs: number, latenessMs = 0, measures: Record<string, Measure> = { n: { fn: 'count' } }) {
  const layout = new MeasureLayout(measures, () => EMPTY_REFERENCE);
  const w = new BucketedWindow(layout, sizeMs, hopMs, latenessMs);
  const st = w.create();
  const add = (offset: number, p: Parameters<typeof callEvent>[0] = {}): boolean => w.add(st, callEvent({ ts: T0 + offset, ...p }), T0 + offset);
  const at = (offset: number): Record<string, number> => {
    const into = layout.newSlots();
    const b = w.evaluate(st, T0 + offset, into);
    return { ...layout.values(into), start: b.start - T0, end: b.end - T0 };
  };
  return { w, st, add, at };
}

/** A window shape, and the event times a test adds of those up to the moment it evaluates. */
const SHAPES = {
  sliding: { hopMs: 10 * S, times: [0, 9_999, 10_000, 59_999, 60_000] },
  tumbling: { hopMs: 60 * S, times: [0, 59_999, 60_000] },
} as const;

describe('BucketedWindow: the window an evaluation covers (size 60 s)', () => {
  it.each([
    // shape, evaluate at → window [start, end) relative to T0, and how many of the events fall in it
    ['sliding', 59_999, 0, 60_000, 4],
    ['sliding', 60_000, 10_000, 70_000, 3],
    ['sliding', 69_999, 10_000, 70_000, 3],
    ['sliding', 70_000, 20_000, 80_000, 2],
    ['tumbling', 0, 0, 60_000, 1],
    ['tumbling', 59_999, 0, 60_000, 2],
    ['tumbling', 60_000, 60_000, 120_000, 1],
    ['tumbling', 119_999, 60_000, 120_000, 1],
  ] as const)('%s at +%d ms covers [%d, %d) holding %d events', (shape, evalAt, start, end, n) => {
    const { hopMs, times } = SHAPES[shape];
    const { add, at } = setup(60 * S, hopMs);
    for (const t of times) if (t <= evalAt) add(t);
    expect(at(evalAt)).toEqual({ n, start, end });
  });
});

describe('BucketedWindow: sliding with hop', () => {
  it('places an event on a hop boundary in the bucket that starts there', () => {
    const { add, at } = setup(20 * S, 10 * S);
    add(9_999);
    add(10_000);
    add(29_999);
    expect(at(29_999)).toEqual({ n: 2, start: 10_000, end: 30_000 });
  });

  it('keeps buckets sparse and drops those no window can use any more', () => {
    const { add, st } = setup(60 * S, 10 * S);
    add(0);
    add(5_000);
    add(30_000);
    expect(st.buckets.map((b) => b.idx - T0 / 10_000)).toEqual([0, 3]);
    add(65_000); // window [10 s, 70 s): bucket 0 can go
    expect(st.buckets.map((b) => b.idx - T0 / 10_000)).toEqual([3, 6]);
    add(200_000);
    expect(st.buckets.map((b) => b.idx - T0 / 10_000)).toEqual([20]);
  });

  it('keeps buckets for the allowed lateness so a late event is judged with its neighbours', () => {
    const seq = (lateness: number) => {
      const { add, at } = setup(60 * S, 10 * S, lateness);
      add(80_000);
      add(90_000);
      add(150_000);
      add(75_000); // late by 75 s: newest window holding it is [70 s, 130 s)
      return at(75_000);
    };
    expect(seq(90 * S)).toEqual({ n: 3, start: 70_000, end: 130_000 });
    // Without lateness the 80 s and 90 s buckets were dropped when 150 s arrived.
    expect(seq(0)).toEqual({ n: 1, start: 70_000, end: 130_000 });
  });

  it('keeps what the watermark still accepts, however far ahead this key\'s newest event is (another partition read ahead)', () => {
    const layout = new MeasureLayout({ n: { fn: 'count' } }, () => EMPTY_REFERENCE);
    const w = new BucketedWindow(layout, 60 * S, 10 * S, 0);
    const st = w.create();
    const add = (offset: number, watermark?: number): boolean => w.add(st, callEvent({ ts: T0 + offset }), T0 + offset, watermark);
    add(0);
    add(600_000, T0); // far ahead, but a slower partition holds the watermark at +0 s
    expect(st.buckets.map((b) => b.idx - T0 / 10_000)).toEqual([0, 60]);
    add(30_000, T0);
    const into = layout.newSlots();
    expect(w.evaluateAsOf(st, T0 + 30_000, into)).toEqual({ start: T0 - 20_000, end: T0 + 40_000 });
    expect(layout.values(into)).toEqual({ n: 2 });
    add(610_000, T0 + 600_000); // the watermark moved on: now the old buckets can go
    expect(st.buckets.map((b) => b.idx - T0 / 10_000)).toEqual([60, 61]);
  });

  it('judges a late event in the newest window that holds it, including what arrived after it', () => {
    const { add, at } = setup(60 * S, 10 * S, 120 * S);
    add(100_000);
    add(110_000);
    add(95_000); // late: bucket 9; windows ending at buckets 10 and 11 also hold it
    expect(at(95_000)).toEqual({ n: 3, start: 60_000, end: 120_000 });
  });

  it('never reaches past the window that still holds the late event', () => {
    const { add, at } = setup(60 * S, 10 * S, 300 * S);
    add(200_000);
    add(30_000); // newest window holding it starts with its own bucket: [30 s, 90 s)
    expect(at(30_000)).toEqual({ n: 1, start: 30_000, end: 90_000 });
  });

  it.each([
    [65_000, false],
    [65_001, true],
  ])('expires once the watermark passes last event + size: watermark +%d → %s', (wm, expired) => {
    const { w, st, add } = setup(60 * S, 10 * S);
    add(5_000);
    expect(w.expired(st, T0 + wm)).toBe(expired);
  });

  it('reports a size that grows with buckets and distinct values', () => {
    const { w, st, add } = setup(60 * S, 10 * S, 0, { d: { fn: 'distinct', field: 'called_number' } });
    add(0, { called_number: '+447700900001' });
    const one = w.sizeOf(st);
    add(15_000, { called_number: '+447700900002' });
    expect(w.sizeOf(st)).toBeGreaterThan(one);
  });
});

describe('BucketedWindow: distinct across buckets', () => {
  const D = { d: { fn: 'distinct', field: 'called_number' }, r: { fn: 'distinct_ratio', field: 'called_number' } } as const;
  const steps: [number, string, number, number][] = [
    // offset, callee, distinct in the window ending there, distinct_ratio
    [0, 'a', 1, 1],
    [5_000, 'b', 2, 1],
    [10_000, 'a', 2, 2 / 3], // a moves to bucket 1
    [20_000, 'c', 2, 2 / 2], // window [10 s, 30 s): a, c; b left with bucket 0
    [25_000, 'b', 3, 3 / 3],
  ];
  it('counts a value once, in the newest bucket it was seen in', () => {
    const { add, at, st } = setup(20 * S, 10 * S, 0, D as unknown as Record<string, Measure>);
    const nums: Record<string, string> = { a: '+447700900001', b: '+447700900002', c: '+447700900003' };
    const seen: [number, number][] = [];
    for (const [t, who] of steps) {
      add(t, { called_number: nums[who]! });
      const v = at(t);
      seen.push([v.d!, v.r!]);
    }
    expect(seen).toEqual(steps.map(([, , d, r]) => [d, r]));
    add(40_000, { called_number: nums['c']! }); // window [30 s, 50 s) holds only this c
    expect(at(40_000)).toMatchObject({ d: 1, r: 1, start: 30_000, end: 50_000 });
    // Stale fingerprints are pruned in amortised batches, not on every hop: a small index keeps them.
    expect((st as BucketedState).distinct![0]!.size).toBeLessThanOrEqual(3);
  });

  it('prunes stale fingerprints once the index has doubled, so it stays bounded', () => {
    const { add, st } = setup(20 * S, 10 * S, 0, D as unknown as Record<string, Measure>);
    // 50 windows of 100 distinct callees each: without pruning the index would hold 5,000.
    for (let w = 0; w < 50; w++) for (let i = 0; i < 100; i++) add(w * 20_000 + i, { called_number: `+4477009${String(w * 100 + i).padStart(5, '0')}` });
    expect((st as BucketedState).distinct![0]!.size).toBeLessThan(500);
  });
});
