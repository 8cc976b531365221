import { describe, expect, it } from 'vitest';
import type { CallEvent, VictimExposure } from '../events.js';
import { compileCondition } from '../rules/condition.js';
import { keyExtractor } from '../rules/key-extractor.js';
import { callEvents, MIN, SEC, T0, type CallInput } from '../test-support/call-builder.js';
import { reference } from '../test-support/fixtures.js';
import { VictimTracker } from './victim-tracker.js';

const TRUNK = keyExtractor(['ingress_trunk']);
const CLI = keyExtractor(['calling_number']);
const DNO = compileCondition({ ref: 'dno' }, () => reference());
const SETTINGS = { minDurationMs: 60_000, lookbackMs: 60 * MIN, followMs: 24 * 60 * MIN, maxLoggedCalls: 1_000 };

/** The END event of a call connected at `connectAt` for `talkMs`. */
function ended(id: string, connectAt: number, talkMs: number, p: Partial<CallInput> = {}): CallEvent {
  return callEvents({ id, at: connectAt - 5 * SEC, ringMs: 5 * SEC, talkMs, trunk: 'intl-7', to: `+4477009000${id.replace(/\D/g, '').padStart(2, '0')}`, ...p }).at(-1)!;
}

function tracker(settings = SETTINGS) {
  const t = new VictimTracker(settings);
  const out: VictimExposure[] = [];
  return {
    t, out,
    end: (e: CallEvent) => t.onCallEnded(e, out),
    flag: (alertId: string, ts: number, entity = 'intl-7', key = TRUNK, filter?: typeof DNO) => t.flag(alertId, ts, key, entity, filter, out),
    ids: () => out.map((x) => x.call_id),
  };
}

const FLAG_AT = T0 + 120 * MIN;

describe('VictimTracker', () => {
  it('before the flag: looks back for calls connected > 60 s within the look-back', () => {
    const v = tracker();
    v.end(ended('1', FLAG_AT - 70 * MIN, 5 * MIN)); // ended 65 min before the flag: outside the hour
    v.end(ended('2', FLAG_AT - 50 * MIN, 61 * SEC));
    v.end(ended('3', FLAG_AT - 40 * MIN, 60 * SEC)); // exactly 60 s: not a victim
    v.end(ended('4', FLAG_AT - 30 * MIN, 10 * SEC));
    v.end(ended('5', FLAG_AT - 20 * MIN, 3 * MIN, { trunk: 'other' }));
    v.end(ended('6', FLAG_AT - 10 * MIN, 0));
    expect(v.out).toEqual([]);
    v.flag('alert-1', FLAG_AT);
    expect(v.out).toEqual([{
      victim_number: '+447700900002', entity_type: 'ingress_trunk', entity: 'intl-7', alert_id: 'alert-1',
      call_id: '2', ts: FLAG_AT - 50 * MIN, duration_ms: 61_000,
    }]);
  });

  it('after the flag: follows the origin until the follow period ends', () => {
    const v = tracker();
    v.flag('alert-1', FLAG_AT);
    v.end(ended('1', FLAG_AT + MIN, 2 * MIN));
    v.end(ended('2', FLAG_AT + 2 * MIN, 59 * SEC));
    v.end(ended('3', FLAG_AT + 3 * MIN, 2 * MIN, { trunk: 'other' }));
    v.end(ended('4', FLAG_AT + 24 * 60 * MIN, 2 * MIN)); // ends after the follow period
    expect(v.ids()).toEqual(['1']);
    expect(v.out[0]).toMatchObject({ ts: FLAG_AT + MIN, duration_ms: 120_000, alert_id: 'alert-1' });
    expect(v.t.isFlagged('ingress_trunk', 'intl-7', FLAG_AT - 59 * MIN)).toBe(true);
    expect(v.t.isFlagged('ingress_trunk', 'intl-7', FLAG_AT - 61 * MIN)).toBe(false);
    expect(v.t.isFlagged('calling_number', 'intl-7', FLAG_AT)).toBe(false);
  });

  it('one exposure per call and flag, however often the origin is alerted again', () => {
    const v = tracker();
    const call = ended('1', FLAG_AT - 10 * MIN, 2 * MIN);
    v.end(call);
    v.flag('alert-1', FLAG_AT);
    v.end(call); // re-delivered
    v.flag('alert-2', FLAG_AT + 20 * MIN); // a later alert on the same origin extends the flag
    v.end(ended('2', FLAG_AT + 24 * 60 * MIN + 5 * MIN, 2 * MIN)); // inside the extended follow period
    expect(v.out.map((x) => [x.call_id, x.alert_id])).toEqual([['1', 'alert-1'], ['2', 'alert-1']]);
    expect(v.t.activeFlags).toBe(1);
  });

  it('a call is one exposure per kind of flagged origin (its trunk, its caller ID), whichever flag came first', () => {
    const v = tracker();
    v.flag('a-trunk', FLAG_AT);
    v.flag('a-cli', FLAG_AT, '+443001110001', CLI);
    v.end(ended('1', FLAG_AT + MIN, 2 * MIN, { from: '+443001110001' }));
    v.end(ended('2', FLAG_AT + MIN, 2 * MIN, { from: '+443001110001', trunk: 'clean' }));
    v.flag('a-trunk-again', FLAG_AT + 2 * MIN);
    expect(v.out.map((x) => [x.call_id, x.entity_type, x.alert_id])).toEqual([
      ['1', 'ingress_trunk', 'a-trunk'], ['1', 'calling_number', 'a-cli'], ['2', 'calling_number', 'a-cli'],
    ]);
  });

  it("respects the flagging rule's filter", () => {
    const v = tracker();
    v.end(ended('1', FLAG_AT - 5 * MIN, 2 * MIN, { from: '+443001110001' }));
    v.end(ended('2', FLAG_AT - 4 * MIN, 2 * MIN, { from: '+31201234567' }));
    v.flag('dno', FLAG_AT, 'intl-7', TRUNK, DNO);
    v.end(ended('3', FLAG_AT + MIN, 2 * MIN, { from: '+443001110002' }));
    v.end(ended('4', FLAG_AT + 2 * MIN, 2 * MIN, { from: '+31201234567' }));
    expect(v.ids()).toEqual(['1', '3']);
  });

  it('a second rule with a wider filter on the same origin widens the flag (and looks back for it)', () => {
    const v = tracker();
    v.end(ended('1', FLAG_AT - 5 * MIN, 2 * MIN, { from: '+31201234567' }));
    v.flag('dno', FLAG_AT, 'intl-7', TRUNK, DNO);
    v.end(ended('2', FLAG_AT + MIN, 2 * MIN, { from: '+31201234567' }));
    expect(v.ids()).toEqual([]);
    v.flag('campaign', FLAG_AT + 2 * MIN, 'intl-7', TRUNK, undefined);
    v.end(ended('3', FLAG_AT + 3 * MIN, 2 * MIN, { from: '+31201234567' }));
    v.end(ended('3', FLAG_AT + 3 * MIN, 2 * MIN, { from: '+31201234567' }));
    expect(v.ids().sort()).toEqual(['1', '2', '3']);
    expect(v.t.activeFlags).toBe(1);
  });

  it('with no look-back nothing is logged; the log is capped by count and pruned by time', () => {
    const none = tracker({ ...SETTINGS, lookbackMs: 0 });
    none.end(ended('1', FLAG_AT - MIN, 2 * MIN));
    expect(none.t.loggedCalls).toBe(0);

    const capped = tracker({ ...SETTINGS, maxLoggedCalls: 2 });
    for (let i = 1; i <= 4; i++) capped.end(ended(String(i), FLAG_AT - (10 - i) * MIN, 2 * MIN));
    expect(capped.t.loggedCalls).toBe(2);
    capped.flag('a', FLAG_AT);
    expect(capped.ids()).toEqual(['3', '4']);

    const pruned = tracker();
    pruned.end(ended('1', T0, 2 * MIN));
    pruned.end(ended('2', T0 + 30 * MIN, 2 * MIN));
    pruned.t.sweep(T0 + 62 * MIN + 5 * SEC);
    expect(pruned.t.loggedCalls).toBe(1);
  });

  it('sweeps flags whose follow period has passed', () => {
    const v = tracker();
    v.flag('a', FLAG_AT);
    v.t.sweep(FLAG_AT + 24 * 60 * MIN);
    expect(v.t.activeFlags).toBe(1);
    v.t.sweep(FLAG_AT + 24 * 60 * MIN + 1);
    expect(v.t.activeFlags).toBe(0);
    expect(v.t.isFlagged('ingress_trunk', 'intl-7', FLAG_AT)).toBe(false);
  });

  it('a later flag of a kind already flagged looks back through calls logged before and after the first, not those the cap pushed out', () => {
    const v = tracker({ ...SETTINGS, maxLoggedCalls: 3 });
    v.end(ended('1', FLAG_AT - 40 * MIN, 2 * MIN, { trunk: 'other' }));
    v.end(ended('2', FLAG_AT - 30 * MIN, 2 * MIN, { trunk: 'late-7' }));
    v.flag('a', FLAG_AT - 25 * MIN, 'intl-7'); // the first trunk flag: nothing of intl-7 logged
    v.end(ended('3', FLAG_AT - 20 * MIN, 2 * MIN, { trunk: 'other' }));
    v.end(ended('4', FLAG_AT - 15 * MIN, 2 * MIN, { trunk: 'late-7' }));
    v.end(ended('5', FLAG_AT - 10 * MIN, 2 * MIN, { trunk: 'other' })); // pushes call 2 out of the log
    v.flag('b', FLAG_AT, 'late-7');
    v.flag('c', FLAG_AT, 'other');
    expect(v.ids()).toEqual(['4', '3', '5']);
  });
});
