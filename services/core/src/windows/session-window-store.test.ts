import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import type { Measure } from '../rules/rule-pack.js';
import { callEvent, T0 } from '../test-support/call-builder.js';
import { START } from '../test-support/fixtures.js';
import { KeyTable } from './key-table.js';
import { MeasureLayout } from './measure-layout.js';
import { SessionWindowStore } from './session-window-store.js';
import { SessionWindow, type SessionState } from './session-window.js';
import { prng } from '../test-support/seeded-random.js';
import { slotFinder, sweepKeys } from '../test-support/store-slots.js';

const MEASURES: Record<string, Measure> = {
  starts: { fn: 'count', where: START },
  callees: { fn: 'distinct', field: 'called_number' },
  fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
  longest: { fn: 'max', field: 'duration_ms' },
};

describe('SessionWindowStore evaluates as SessionWindow does', () => {
  // Budget: keys a sweep frees at most (undefined: all); a key left expired is found on lookup, with the same results.
  it.each([[1, undefined], [2, undefined], [3, undefined], [1, 0], [2, 1]])('over random gaps, late events and session caps (seed %d, sweep budget %s)', (seed, budget) => {
    let sweptTo = Number.NaN;
    const rnd = prng(seed);
    const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE);
    const model = new SessionWindow(layout, 30_000, 300_000);
    const store = new SessionWindowStore(layout, 30_000, 300_000);
    const keys = new KeyTable();
    const slotOf = slotFinder(keys, store, () => sweptTo);
    const states = new Map<string, SessionState>();
    const a = layout.newSlots();
    const b = layout.newSlots();
    const mismatches: unknown[] = [];
    let clock = T0;
    for (let i = 0; i < 3_000; i++) {
      clock += Math.floor(rnd() * (rnd() < 0.05 ? 60_000 : 8_000));
      const ts = clock - (rnd() < 0.1 ? Math.floor(rnd() * 60_000) : 0);
      const key = `k${Math.floor(rnd() * 4)}`;
      const e = callEvent({ ts, called_number: `+44161496${String(Math.floor(rnd() * 100)).padStart(4, '0')}`, duration_ms: Math.floor(rnd() * 1e5) });
      let st = states.get(key);
      if (!st) states.set(key, (st = model.create(ts)));
      const slot = slotOf(key, ts);
      const okWant = model.add(st, e, ts);
      const okGot = store.add(slot, e, ts);
      const wb = model.evaluate(st, ts, a);
      store.evaluate(slot, ts, b);
      const want = { okWant, ...layout.values(a), ...wb };
      const got = { okWant: okGot, ...layout.values(b), start: store.start, end: store.end };
      if (JSON.stringify(want) !== JSON.stringify(got) && mismatches.length < 3) mismatches.push({ i, want, got });
      if (i % 100 === 99) {
        const wm = clock - 40_000;
        sweptTo = wm;
        const expired = sweepKeys(store, keys, wm, budget);
        const due = [...states].filter(([, s]) => model.expired(s, wm)).map(([k]) => k);
        for (const k of due) states.delete(k);
        if (expired.some((k) => !due.includes(k)) && mismatches.length < 3) mismatches.push({ i, due, expired });
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('spills a long session\'s distinct values to a sketch and restarts it empty', () => {
    const layout = new MeasureLayout(MEASURES, () => EMPTY_REFERENCE);
    const store = new SessionWindowStore(layout, 60_000, 3_600_000);
    const keys = new KeyTable();
    const slot = keys.insert('k');
    store.ensure(keys.slotCapacity);
    store.init(slot, T0);
    for (let i = 0; i < 5_000; i++) store.add(slot, callEvent({ ts: T0 + i * 100, called_number: `+4477${10_000_000 + i}` }), T0 + i * 100);
    const into = layout.newSlots();
    store.evaluate(slot, 0, into);
    expect(Math.abs(layout.values(into)['callees']! - 5_000)).toBeLessThan(5_000 * 0.07);
    expect(layout.values(into)['fanout']).toBeLessThanOrEqual(1);
    store.add(slot, callEvent({ ts: T0 + 2_000_000 }), T0 + 2_000_000); // after the gap: a new session
    store.evaluate(slot, 0, into);
    expect(layout.values(into)).toMatchObject({ starts: 1, callees: 1, fanout: 1 });
  });
});
