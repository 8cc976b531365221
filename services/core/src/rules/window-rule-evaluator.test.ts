import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { callEvent, callEvents, T0 } from '../test-support/call-builder.js';
import { prng } from '../test-support/seeded-random.js';
import { ANSWER, START, reference, windowRule } from '../test-support/fixtures.js';
import type { Firing } from './firing.js';
import { WindowRuleEvaluator } from './window-rule-evaluator.js';

function evaluator(raw: Record<string, unknown>, opts: { lateness?: number; evidence?: number; ref?: ReturnType<typeof reference> } = {}) {
  return new WindowRuleEvaluator(windowRule(raw), () => opts.ref ?? EMPTY_REFERENCE, opts.lateness ?? 0, opts.evidence ?? 10);
}

/** The evaluator returns a head with lazily built details; tests look at the whole firing. */
function fire(ev: WindowRuleEvaluator, e: CallEvent): Firing | undefined {
  return ev.onEvent(e)?.complete?.();
}

function feed(ev: WindowRuleEvaluator, events: CallEvent[]): (Firing | undefined)[] {
  return events.map((e) => fire(ev, e));
}

const COUNT3 = {
  window: { type: 'sliding', size: '60s', hop: '10s' },
  measures: { starts: { fn: 'count', where: START } },
  when: [{ measure: 'starts', op: '>=', value: 3 }],
};

const starts = (offsets: number[], p: Partial<CallEvent> = {}) =>
  offsets.map((o, i) => callEvent({ call_id: `c${i}`, ts: T0 + o, ...p }));

describe('WindowRuleEvaluator', () => {
  it('fires on the event that makes every threshold hold, with the window, value and evidence', () => {
    const ev = evaluator(COUNT3);
    const out = feed(ev, starts([1_000, 2_000, 12_000, 13_000]));
    expect(out.map((f) => f?.value)).toEqual([undefined, undefined, 3, 4]);
    expect(out[2]).toMatchObject({
      ruleId: 'r', severity: 'HIGH', entityType: 'ingress_trunk', entity: 'trunk-a',
      windowStart: T0 - 40_000, windowEnd: T0 + 20_000, ts: T0 + 12_000, threshold: 3,
      measures: { starts: 3 }, evidence: ['c0', 'c1', 'c2'], cooldownMs: 900_000,
    });
    expect(out[2]!.summary).toBe('r: ingress_trunk trunk-a starts=3 (>= 3)');
    expect(out[2]!.victims?.key.entityType).toBe('ingress_trunk');
  });

  it('forgets events once they slide out of the window', () => {
    const ev = evaluator(COUNT3);
    // At 61 s the window is [10 s, 70 s): 0 s and 5 s have left it, so 61 s and 65 s only make two.
    expect(feed(ev, starts([0, 5_000, 61_000, 65_000])).every((f) => f === undefined)).toBe(true);
  });

  it('keeps entities apart', () => {
    const ev = evaluator(COUNT3);
    const mixed = [
      ...starts([0, 1_000], { ingress_trunk: 't1' }),
      ...starts([2_000, 3_000], { ingress_trunk: 't2' }),
    ];
    expect(feed(ev, mixed).filter(Boolean)).toHaveLength(0);
    expect(ev.activeKeys).toBe(2);
    expect(fire(ev, callEvent({ call_id: 'x', ts: T0 + 4_000, ingress_trunk: 't2' }))?.entity).toBe('t2');
  });

  it('applies the filter before keying: filtered events neither count nor create state', () => {
    const ev = evaluator({ ...COUNT3, filter: { ref: 'dno' } }, { ref: reference() });
    expect(feed(ev, starts([0, 1_000, 2_000])).filter(Boolean)).toHaveLength(0);
    expect(ev.activeKeys).toBe(0);
    const fired = feed(ev, starts([3_000, 4_000, 5_000], { calling_number: '+443001110001' }));
    expect(fired.map((f) => f?.value)).toEqual([undefined, undefined, 3]);
    expect(fired[2]!.victims?.filter?.(callEvent())).toBe(false);
  });

  it('needs every threshold; NaN measures never pass', () => {
    const ev = evaluator({
      window: { type: 'tumbling', size: '60s' },
      measures: { starts: { fn: 'count', where: START }, answer_rate: { fn: 'ratio', numerator: ANSWER, denominator: START } },
      when: [{ measure: 'answer_rate', op: '<', value: 0.5 }, { measure: 'starts', op: '>', value: 1 }],
    });
    // Only ANSWERs: answer_rate NaN → no fire.
    expect(fire(ev, callEvent({ call_id: 'a', type: 'ANSWER', ts: T0 }))).toBeUndefined();
    // 1 start: rate 1 → no. 2 starts: 0.5 → not < 0.5. 3 starts: 0.33 and 3 > 1 → fires with value = first threshold's measure.
    const out = feed(ev, starts([1_000, 2_000, 3_000]));
    expect(out.map((f) => f && f.value)).toEqual([undefined, undefined, 1 / 3]);
    expect(out[2]!.threshold).toBe(0.5);
    expect(out[2]!.summary).toContain('answer_rate=0.33 (< 0.5), starts=3 (> 1)');
  });

  it.each([
    ['>=', 3, [false, false, true]],
    ['>', 2, [false, false, true]],
    ['<=', 1, [true, false, false]],
    ['<', 2, [true, false, false]],
  ] as const)('comparison %s %d', (op, value, expected) => {
    const ev = evaluator({ ...COUNT3, when: [{ measure: 'starts', op, value }] });
    expect(feed(ev, starts([0, 1_000, 2_000])).map(Boolean)).toEqual(expected);
  });

  it('keys on a combination of fields', () => {
    const ev = evaluator({ ...COUNT3, key: ['ingress_trunk', 'calling_number'] });
    const out = feed(ev, starts([0, 1_000, 2_000]));
    expect(out[2]).toMatchObject({ entityType: 'ingress_trunk+calling_number', entity: 'trunk-a|+442071234567' });
  });

  it('keeps a bounded, de-duplicated sample of call ids as evidence', () => {
    const ev = evaluator({ ...COUNT3, measures: { n: { fn: 'count' } }, when: [{ measure: 'n', op: '>=', value: 1 }] }, { evidence: 3 });
    const events = [0, 1, 2, 3].flatMap((i) => callEvents({ id: `k${i}`, at: T0 + i * 1_000, ringMs: 500 }));
    const last = feed(ev, events.sort((a, b) => a.ts - b.ts)).at(-1);
    expect(last!.evidence).toEqual(['k1', 'k2', 'k3']);
  });

  it('omits victims when the rule opts out', () => {
    const ev = evaluator({ ...COUNT3, victims: false });
    expect(feed(ev, starts([0, 1, 2]))[2]).not.toHaveProperty('victims');
  });

  it('evaluates session windows over the whole session', () => {
    const ev = evaluator({ ...COUNT3, window: { type: 'session', gap: '30m', max: '6h' }, when: [{ measure: 'starts', op: '>=', value: 2 }] });
    const out = feed(ev, starts([0, 20 * 60_000, 80 * 60_000, 100 * 60_000]));
    expect(out.map((f) => f?.value)).toEqual([undefined, 2, undefined, 2]);
    expect(out[1]).toMatchObject({ windowStart: T0, windowEnd: T0 + 20 * 60_000 });
  });

  it('a late event within the lateness counts, and fires if it completes a window', () => {
    const ev = evaluator(COUNT3, { lateness: 120_000 });
    expect(feed(ev, starts([100_000, 110_000])).some(Boolean)).toBe(false);
    const late = fire(ev, callEvent({ call_id: 'late', ts: T0 + 95_000 }));
    expect(late).toMatchObject({ value: 3, windowStart: T0 + 60_000, windowEnd: T0 + 120_000, ts: T0 + 95_000 });
  });

  it('judges an event read after newer ones of its key by the window an in-order reader saw, when the newest does not hold', () => {
    // Calls of one trunk spread over partitions: an END read after a START 50 s newer still sees
    // the three STARTs before it, as it does when the events are read in event-time order.
    const ev = evaluator(COUNT3, { lateness: 120_000 });
    feed(ev, starts([1_000, 2_000, 3_000]));
    expect(fire(ev, callEvent({ call_id: 'next', ts: T0 + 105_000 }))).toBeUndefined();
    const end = fire(ev, callEvent({ call_id: 'c0', type: 'END', ts: T0 + 55_000, duration_ms: 0 }));
    expect(end).toMatchObject({ value: 3, windowStart: T0, windowEnd: T0 + 60_000, ts: T0 + 55_000 });
  });

  it('sweeps the state of keys whose window can no longer change', () => {
    const ev = evaluator(COUNT3);
    feed(ev, [...starts([0], { ingress_trunk: 'old' }), ...starts([50_000], { ingress_trunk: 'new' })]);
    expect(ev.stateBytes()).toBeGreaterThan(0);
    ev.sweep(T0 + 60_001);
    expect(ev.activeKeys).toBe(1);
    ev.sweep(T0 + 110_001);
    expect(ev.activeKeys).toBe(0);
    expect(ev.stateBytes()).toBe(0);
  });
  describe('a sweep with a budget (the rest visited a few per event, expired keys found on lookup freed first)', () => {
    const windows = [
      { type: 'sliding', size: '60s', hop: '10s' },
      { type: 'tumbling', size: '30s' },
      { type: 'session', gap: '20s', max: '2m' },
    ];
    /** An engine-like stream: event time moves on with jitter, the watermark trails it, late events are dropped, sweeps every 15 s. */
    function run(window: Record<string, unknown>, seed: number, budget: number): { firings: unknown[]; pendingSeen: boolean } {
      const ev = evaluator({ ...COUNT3, window, when: [{ measure: 'starts', op: '>=', value: 2 }] }, { lateness: 5_000, evidence: 3 });
      const rnd = prng(seed);
      const firings: unknown[] = [];
      let newest = T0;
      let lastSweep = T0;
      let pendingSeen = false;
      for (let i = 0; i < 1_500; i++) {
        newest += Math.floor(rnd() * 400);
        const watermark = newest - 5_000;
        const ts = newest - Math.floor(rnd() * 6_000);
        if (ts < watermark) continue;
        const e = callEvent({ call_id: `c${i}`, ts, ingress_trunk: `t${Math.floor(rnd() * 300)}`, type: rnd() < 0.8 ? 'START' : 'ANSWER' });
        const f = ev.onEvent(e, watermark)?.complete?.();
        // The victims' key and filter are this evaluator's own functions: compared by their presence.
        firings.push(f && { ...f, victims: undefined, hasVictims: f.victims !== undefined });
        if (watermark - lastSweep >= 15_000) {
          lastSweep = watermark;
          ev.sweep(watermark, budget);
          pendingSeen ||= ev.sweepUnfinished;
        }
      }
      return { firings, pendingSeen };
    }

    for (const window of windows) {
      it(`gives the same firings and evidence as a whole sweep (${String(window['type'])} windows)`, () => {
        for (let seed = 1; seed <= 10; seed++) {
          const whole = run(window, seed, Number.POSITIVE_INFINITY);
          expect(whole.firings.some(Boolean)).toBe(true);
          for (const budget of [0, 1, 3]) {
            const budgeted = run(window, seed, budget);
            expect(budgeted.pendingSeen).toBe(true);
            expect(budgeted.firings).toEqual(whole.firings);
          }
        }
      });
    }
  });

  describe('with distinct counts kept as sketches (a key past the exact limit)', () => {
    // 400 calls to 400 different people within a minute: the trunk's callee set spills to sketches.
    const calls = Array.from({ length: 400 }, (_, i) => callEvent({ call_id: `c${i}`, ts: T0 + i * 100, called_number: `+4477009${String(i).padStart(5, '0')}` }));
    const rule = (fanout: Record<string, unknown>) => evaluator({
      window: { type: 'sliding', size: '60s', hop: '10s' },
      measures: { starts: { fn: 'count', where: START }, callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START } },
      when: [{ measure: 'starts', op: '>=', value: 400 }, fanout],
    });

    it('checks the distinct threshold on the window\'s sketched count, once the other thresholds hold', () => {
      const fired = feed(rule({ measure: 'callee_fanout', op: '>=', value: 0.9 }), calls);
      expect(fired.slice(0, 399).every((f) => f === undefined)).toBe(true);
      expect(fired[399]!.measures['starts']).toBe(400);
      expect(fired[399]!.measures['callee_fanout']).toBeGreaterThan(0.93);
    });

    it('does not fire when the sketched count misses its threshold', () => {
      expect(feed(rule({ measure: 'callee_fanout', op: '<=', value: 0.5 }), calls).every((f) => f === undefined)).toBe(true);
    });
  });
});
