/**
 * `lowerBound` / `upperBound` on ratio measures: the Wilson bound of the share at a declared
 * confidence, read from a window, and the validator's limits on it.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { RulePackError, validateRulePack } from '../rules/rule-pack-validation.js';
import type { Condition, Measure } from '../rules/rule-pack.js';
import { normalQuantile, wilsonBound } from '../rules/wilson-bound.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { BucketedWindow } from './bucketed-window.js';
import { MeasureLayout } from './measure-layout.js';

const SHORT: Condition = { all: [{ field: 'type', eq: 'END' }, { field: 'duration_ms', lt: 20_000 }] };
const START: Condition = { field: 'type', eq: 'START' };
const MEASURES: Record<string, Measure> = {
  share: { fn: 'ratio', numerator: SHORT, denominator: START },
  at_least: { fn: 'ratio', numerator: SHORT, denominator: START, lowerBound: 0.99 },
  at_most: { fn: 'ratio', numerator: SHORT, denominator: START, upperBound: 0.95 },
};

/** `starts` calls, the first `short` of them over in 5 s, the rest in 5 minutes, all ended. */
function feed(starts: number, short: number): Record<string, number> {
  const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE);
  const into = layout.newSlots();
  const w = new BucketedWindow(layout, 3_600_000, 10_000, 0);
  const st = w.create();
  for (let i = 0; i < starts; i++) {
    const start = callEvent({ ts: T0 + i * 1_000, type: 'START', call_id: `c${i}` });
    const end = callEvent({ ts: T0 + 600_000 + i * 1_000, type: 'END', call_id: `c${i}`, duration_ms: i < short ? 5_000 : 300_000 });
    w.add(st, start, start.ts);
    w.add(st, end, end.ts);
  }
  w.evaluate(st, T0 + 600_000 + starts * 1_000, into);
  return layout.values(into);
}

describe('ratio with a confidence bound', () => {
  it('reads the Wilson bounds of the share', () => {
    const v = feed(25, 20);
    expect(v['share']).toBe(0.8);
    expect(v['at_least']).toBeCloseTo(wilsonBound(20, 25, normalQuantile(0.99), -1), 12);
    expect(v['at_most']).toBeCloseTo(wilsonBound(20, 25, normalQuantile(0.95), 1), 12);
    expect(v['at_least']).toBeLessThan(0.6);
    expect(v['at_most']).toBeGreaterThan(0.89);
  });

  it('the same share shown by 200 calls has a tighter bound than by 25', () => {
    expect(feed(200, 160)['at_least']).toBeGreaterThan(feed(25, 20)['at_least']! + 0.1);
  });

  const pack = (measure: unknown) => ({
    version: 1, rules: [{ id: 'r', severity: 'LOW', key: ['ingress_trunk'], window: { type: 'tumbling', size: '1m' }, measures: { m: measure }, when: [{ measure: 'm', op: '>', value: 0 }] }],
  });

  it('is accepted on ratio with a confidence between 0.5 and 1', () => {
    const rule = validateRulePack(pack({ fn: 'ratio', numerator: SHORT, lowerBound: 0.95 })).rules[0]!;
    expect(rule.type === 'window' && rule.measures['m']).toEqual({ fn: 'ratio', numerator: SHORT, lowerBound: 0.95 });
  });

  it.each([
    ['1', { fn: 'ratio', numerator: SHORT, lowerBound: 1 }, 'lowerBound'],
    ['0.5', { fn: 'ratio', numerator: SHORT, upperBound: 0.5 }, 'upperBound'],
    ['a string', { fn: 'ratio', numerator: SHORT, lowerBound: '95%' }, 'lowerBound'],
    ['both given', { fn: 'ratio', numerator: SHORT, lowerBound: 0.95, upperBound: 0.95 }, 'upperBound'],
    ['not a ratio', { fn: 'count', lowerBound: 0.95 }, 'lowerBound'],
  ])('is rejected when %s', (_why, measure, key) => {
    let problems: { path: string }[] = [];
    try { validateRulePack(pack(measure)); } catch (err) { problems = (err as RulePackError).problems; }
    expect(problems.map((p) => p.path)).toContain(`measures.m.${key}`);
  });
});
