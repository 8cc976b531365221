import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvents, T0 } from '../test-support/call-builder.js';
import { ANSWER, END, START } from '../test-support/fixtures.js';
import { BucketedWindow } from './bucketed-window.js';
import { MeasureLayout } from './measure-layout.js';

/** Two answered calls (30 s, 90 s talk) and two unanswered, all from the same origin: 10 events. */
const EVENTS: CallEvent[] = [
  ...callEvents({ id: 'a', at: T0, talkMs: 30_000, attestation: 'A', to: '+447700900001' }),
  ...callEvents({ id: 'b', at: T0 + 1_000, talkMs: 90_000, to: '+447700900002' }),
  ...callEvents({ id: 'c', at: T0 + 2_000, to: '+447700900001' }),
  ...callEvents({ id: 'd', at: T0 + 3_000, attestation: 'C', to: '+447700900003' }),
];

/** Aggregates events through a layout alone (no distinct). */
function aggregate(measures: Record<string, Measure>, events: CallEvent[]): Record<string, number> {
  const layout = new MeasureLayout(measures, () => EMPTY_REFERENCE);
  const slots = layout.newSlots();
  for (const e of events) layout.accumulate(e, slots);
  return layout.values(slots);
}

describe('MeasureLayout aggregates', () => {
  it.each<[string, Measure, number]>([
    ['count', { fn: 'count' }, 10],
    ['count where START', { fn: 'count', where: START }, 4],
    ['count where END and unattested', { fn: 'count', where: { all: [END, { field: 'attestation', in: ['C', 'NONE'] }] } }, 3],
    ['ratio with denominator (answer rate)', { fn: 'ratio', numerator: ANSWER, denominator: START }, 0.5],
    ['ratio without denominator (share of all events)', { fn: 'ratio', numerator: { field: 'attestation', eq: 'A' } }, 0.3],
    ['sum duration', { fn: 'sum', field: 'duration_ms' }, 120_000],
    ['avg duration over ENDs (nulls ignored)', { fn: 'avg', field: 'duration_ms' }, 30_000],
    ['avg duration where answered', { fn: 'avg', field: 'duration_ms', where: { field: 'duration_ms', gt: 0 } }, 60_000],
    ['max duration', { fn: 'max', field: 'duration_ms' }, 90_000],
    ['min duration', { fn: 'min', field: 'duration_ms' }, 0],
    ['min duration where answered', { fn: 'min', field: 'duration_ms', where: { field: 'duration_ms', gt: 0 } }, 30_000],
    ['max sip code', { fn: 'max', field: 'sip_code' }, 487],
  ])('%s', (_why, m, expected) => {
    expect(aggregate({ m }, EVENTS).m).toBeCloseTo(expected, 10);
  });

  it.each<[string, Measure, number]>([
    ['count', { fn: 'count' }, 0],
    ['sum', { fn: 'sum', field: 'duration_ms' }, 0],
  ])('empty %s is 0', (_why, m, expected) => {
    expect(aggregate({ m }, []).m).toBe(expected);
  });

  it.each<[string, Measure]>([
    ['ratio', { fn: 'ratio', numerator: ANSWER, denominator: START }],
    ['avg', { fn: 'avg', field: 'duration_ms' }],
    ['max', { fn: 'max', field: 'duration_ms' }],
    ['min', { fn: 'min', field: 'duration_ms' }],
    ['distinct_ratio', { fn: 'distinct_ratio', field: 'called_number' }],
  ])('empty %s is NaN (so no threshold can hold)', (_why, m) => {
    expect(aggregate({ m }, [])).toEqual({ m: Number.NaN });
  });

  it('lays several measures out side by side, in declaration order', () => {
    const layout = new MeasureLayout({
      n: { fn: 'count' }, r: { fn: 'ratio', numerator: ANSWER, denominator: START }, hi: { fn: 'max', field: 'duration_ms' },
      lo: { fn: 'min', field: 'duration_ms' }, d: { fn: 'distinct', field: 'called_number' },
    }, () => EMPTY_REFERENCE);
    expect(layout.names).toEqual(['n', 'r', 'hi', 'lo', 'd']);
    expect(layout.merges).toEqual(['sum', 'sum', 'sum', 'max', 'min', 'sum']);
    expect(layout.distinct).toHaveLength(1);
    expect(layout.distinct[0]!.slot).toBe(5);
  });

  it('merges buckets: sums add, max and min keep extremes', () => {
    const layout = new MeasureLayout({ n: { fn: 'count' }, hi: { fn: 'max', field: 'duration_ms' }, lo: { fn: 'min', field: 'duration_ms' } }, () => EMPTY_REFERENCE);
    const a = layout.newSlots();
    const b = layout.newSlots();
    EVENTS.slice(0, 5).forEach((e) => layout.accumulate(e, a));
    EVENTS.slice(5).forEach((e) => layout.accumulate(e, b));
    const into = layout.newSlots();
    layout.merge(into, a);
    layout.merge(into, b);
    expect(layout.values(into)).toEqual({ n: 10, hi: 90_000, lo: 0 });
    layout.reset(into);
    expect(layout.values(into)).toEqual({ n: 0, hi: Number.NaN, lo: Number.NaN });
  });
});

describe('distinct aggregates (maintained by the window)', () => {
  const measures: Record<string, Measure> = {
    callees: { fn: 'distinct', field: 'called_number' },
    start_callees: { fn: 'distinct', field: 'called_number', where: START },
    fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
    clis: { fn: 'distinct_ratio', field: 'calling_number' },
  };

  it('counts each value once, with where, and as a ratio to the matching events', () => {
    const layout = new MeasureLayout(measures, () => EMPTY_REFERENCE);
    const w = new BucketedWindow(layout, 600_000, 600_000, 0);
    const st = w.create();
    for (const e of EVENTS) w.add(st, e, e.ts);
    const out = layout.newSlots();
    w.evaluate(st, T0, out);
    // Callees: 001 (twice), 002, 003. START events: 4 with 3 distinct callees. One caller ID in 10 events.
    expect(layout.values(out)).toEqual({ callees: 3, start_callees: 3, fanout: 0.75, clis: 0.1 });
  });
});
