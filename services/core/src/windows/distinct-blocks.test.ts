/**
 * `dropDigits` on distinct measures: numbers counted by block (last N digits removed), in both
 * window kinds, and the validator's limits on it.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { RulePackError, validateRulePack } from '../rules/rule-pack-validation.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { BucketedWindow } from './bucketed-window.js';
import { MeasureLayout } from './measure-layout.js';
import { SessionWindow } from './session-window.js';

const MEASURES: Record<string, Measure> = {
  callees: { fn: 'distinct', field: 'called_number' },
  blocks: { fn: 'distinct', field: 'called_number', dropDigits: 2 },
  block_ratio: { fn: 'distinct_ratio', field: 'called_number', dropDigits: 2 },
};
// 30 consecutive numbers from ...170 to ...199 span two 100-blocks (…1xx is one block: 01614960170-99).
const SEQUENTIAL = Array.from({ length: 30 }, (_, i) => `+4416149601${70 + i}`);
const SPREAD = ['+441614960100', '+441614960200', '+441614960300', '+441614960301'];

function feed(kind: 'sliding' | 'session', callees: string[]): Record<string, number> {
  const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE);
  const into = layout.newSlots();
  const events = callees.map((c, i) => callEvent({ ts: T0 + i * 1_000, called_number: c }));
  if (kind === 'sliding') {
    const w = new BucketedWindow(layout, 600_000, 10_000, 0);
    const st = w.create();
    for (const e of events) w.add(st, e, e.ts);
    w.evaluate(st, T0 + callees.length * 1_000, into);
  } else {
    const w = new SessionWindow(layout, 60_000, 3_600_000);
    const st = w.create(T0);
    for (const e of events) w.add(st, e, e.ts);
    w.evaluate(st, 0, into);
  }
  return layout.values(into);
}

describe('distinct with dropDigits', () => {
  it.each(['sliding', 'session'] as const)('counts 100-number blocks, not numbers, in a %s window', (kind) => {
    expect(feed(kind, SEQUENTIAL)).toEqual({ callees: 30, blocks: 1, block_ratio: 1 / 30 });
    expect(feed(kind, SPREAD)).toEqual({ callees: 4, blocks: 3, block_ratio: 3 / 4 });
  });

  const pack = (measure: unknown) => ({
    version: 1, rules: [{ id: 'r', severity: 'LOW', key: ['ingress_trunk'], window: { type: 'tumbling', size: '1m' }, measures: { m: measure }, when: [{ measure: 'm', op: '>', value: 0 }] }],
  });

  it('is accepted on phone-number fields with 1 to 8 digits', () => {
    const rule = validateRulePack(pack({ fn: 'distinct_ratio', field: 'called_number', dropDigits: 2 })).rules[0]!;
    expect(rule.type === 'window' && rule.measures['m']).toEqual({ fn: 'distinct_ratio', field: 'called_number', dropDigits: 2 });
  });

  it.each([
    ['zero', { fn: 'distinct', field: 'called_number', dropDigits: 0 }],
    ['nine', { fn: 'distinct', field: 'calling_number', dropDigits: 9 }],
    ['a fraction', { fn: 'distinct', field: 'called_number', dropDigits: 1.5 }],
    ['a string', { fn: 'distinct', field: 'called_number', dropDigits: '2' }],
    ['not a phone-number field', { fn: 'distinct', field: 'ingress_trunk', dropDigits: 2 }],
    ['not a distinct measure', { fn: 'count', dropDigits: 2 }],
  ])('is rejected when %s', (_why, measure) => {
    let problems: { path: string }[] = [];
    try { validateRulePack(pack(measure)); } catch (err) { problems = (err as RulePackError).problems; }
    expect(problems.map((p) => p.path)).toContain('measures.m.dropDigits');
  });
});
