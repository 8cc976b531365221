import { describe, expect, it } from 'vitest';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { burst, callEvent, callEvents, MIN, run, SEC, smsEvent, T0, timeline } from '../test-support/call-builder.js';
import { BANK_DNO, burstRule, pack, reference, START } from '../test-support/fixtures.js';
import { DetectionEngine, type EngineOutput } from './detection-engine.js';

// These timelines are a handful of sparse events ending after a gap: the event-time guard, which
// would hold such a tail until later traffic confirms it, is tested in detection-engine-event-time.test.ts.
const LATENESS = { allowedLateness: '30s', maxEventTimeJump: '1h' };
const start = (id: string, offset: number, p = {}) => callEvent({ call_id: id, ts: T0 + offset, ...p });

function engine(rules = [burstRule(3)], settings: Record<string, unknown> = LATENESS, ref = reference()) {
  return new DetectionEngine(pack(rules, settings), ref);
}

describe('DetectionEngine: intake', () => {
  it('counts a re-delivered event once and reports it as a duplicate', () => {
    const e = engine();
    const r = run(e, [start('a', 0), start('b', 1_000), start('a', 0), start('a', 0, { event_id: 'other-id' })]);
    expect(r.outcomes).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    expect(r.alerts).toEqual([]); // two starts, not four
    run(e, [start('c', 2_000)], r);
    expect(r.alerts.map((a) => a.value)).toEqual([3]);
    expect(e.stats()).toMatchObject({ eventsAccepted: 3, duplicates: 2, late: 0 });
  });

  it('drops events older than the watermark as late, and counts them', () => {
    const e = engine();
    const r = run(e, [start('a', 100_000), start('b', 130_000), start('late', 85_000)]);
    expect(r.outcomes).toEqual(['accepted', 'accepted', 'late']);
    expect(r.alerts).toEqual([]); // [80 s, 140 s) would have held 3
    expect(e.stats()).toMatchObject({ late: 1, callWatermark: T0 + 100_000 });
  });

  it('takes events late within the allowed lateness, updating the windows they belong to', () => {
    const e = engine();
    const r = run(e, [start('a', 100_000), start('b', 130_000), start('late', 105_000)]);
    expect(r.outcomes).toEqual(['accepted', 'accepted', 'accepted']);
    expect(r.alerts).toHaveLength(1);
    expect(r.alerts[0]).toMatchObject({ value: 3, window_start: T0 + 80_000, window_end: T0 + 140_000, ts: T0 + 105_000, evidence: ['a', 'b', 'late'] });
  });

  it('never alerts on allowlisted entities, and skips their events', () => {
    const e = engine([burstRule(3)], LATENESS, reference({ allowlist: { ingress_trunk: ['bank-out-1'] } }));
    const r = run(e, timeline(burst({ prefix: 'b', start: T0, count: 10, perMinute: 60, trunk: 'bank-out-1' })));
    expect(r.alerts).toEqual([]);
    expect(new Set(r.outcomes)).toEqual(new Set(['allowlisted']));
    expect(e.stats()).toMatchObject({ allowlisted: 20, eventsAccepted: 0 });
    // The same traffic on another trunk does alert.
    run(e, timeline(burst({ prefix: 'x', start: T0 + MIN, count: 10, perMinute: 60, trunk: 'other' })), r);
    expect(r.alerts.map((a) => a.entity)).toEqual(['other', 'other']);
  });

  it('deduplicates SMS by event id and applies its own watermark', () => {
    const e = engine();
    const r = run(e, [smsEvent({ ts: T0 + MIN, event_id: 's1' }), smsEvent({ ts: T0 + MIN, event_id: 's1' }), smsEvent({ ts: T0, event_id: 's0' })]);
    expect(r.outcomes).toEqual(['accepted', 'duplicate', 'late']);
    // The SMS stream does not move the call watermark.
    expect(run(e, [start('a', 0)]).outcomes).toEqual(['accepted']);
  });

  it('reads replaced reference data from the next event on', () => {
    const e = engine([burstRule(1, { filter: { ref: 'dno' } })], LATENESS, EMPTY_REFERENCE);
    const dno = { calling_number: '+443001110001' };
    expect(run(e, [start('a', 0, dno)]).alerts).toEqual([]);
    e.setReference(reference());
    expect(run(e, [start('b', 1_000, dno)]).alerts.map((a) => a.rule_id)).toEqual(['burst']);
  });
});

describe('DetectionEngine: alert lifecycle', () => {
  it('a campaign firing on every event yields one alert per period, updated only when it doubles', () => {
    const e = engine();
    const calls = burst({ prefix: 'c', start: T0, count: 200, perMinute: 10 }); // 20 minutes
    const r = run(e, timeline(calls));
    // Updates keep the first firing's ts: detection time stays visible.
    expect(r.alerts.map((a) => [a.value, (a.ts - T0) / SEC])).toEqual([[3, 12], [6, 12], [9, 900]]);
    const ids = [...new Set(r.alerts.map((a) => a.alert_id))];
    expect(ids).toHaveLength(2);
    expect(r.alerts[0]!.alert_id).toBe(r.alerts[1]!.alert_id);
    expect(e.stats().alertsEmitted).toBe(3);
  });

  it('escalates when several rules agree on one entity', () => {
    const e = engine([burstRule(3, { severity: 'MEDIUM' }), burstRule(4, { id: 'burst-4', severity: 'MEDIUM' })]);
    const r = run(e, [0, 1, 2, 3].map((i) => start(`c${i}`, i * SEC)));
    expect(r.alerts.map((a) => [a.rule_id, a.severity])).toEqual([['burst', 'MEDIUM'], ['burst-4', 'HIGH'], ['burst', 'HIGH']]);
  });
});

describe('DetectionEngine: victims', () => {
  it('lists callees connected > 60 s to a flagged origin, before and after the flag, once each', () => {
    const e = engine();
    const calls = [
      { id: 'before', at: T0 - 30 * MIN, talkMs: 2 * MIN, to: '+447700900001' },
      { id: 'short', at: T0 - 20 * MIN, talkMs: 60 * SEC, to: '+447700900002' },
      { id: 'c1', at: T0 },
      { id: 'c2', at: T0 + SEC },
      { id: 'c3', at: T0 + 2 * SEC }, // the flag
      { id: 'after', at: T0 + 10 * SEC, talkMs: 61 * SEC, to: '+447700900003' },
      { id: 'elsewhere', at: T0 + 10 * SEC, talkMs: 5 * MIN, trunk: 'other' },
    ];
    const r = run(e, timeline(calls));
    expect(r.alerts).toHaveLength(1);
    expect(r.victims.map((v) => [v.call_id, v.victim_number, v.alert_id, v.duration_ms])).toEqual([
      ['before', '+447700900001', r.alerts[0]!.alert_id, 120_000],
      ['after', '+447700900003', r.alerts[0]!.alert_id, 61_000],
    ]);
    expect(r.victims[1]!.ts).toBe(T0 + 15 * SEC); // connected 5 s after START
    expect(e.stats().victimsEmitted).toBe(2);
  });

  it('lists none for a rule that opts out', () => {
    const e = engine([burstRule(3, { victims: false })]);
    const r = run(e, timeline([{ id: 'v', at: T0 - MIN, talkMs: 2 * MIN }, { id: 'a', at: T0 }, { id: 'b', at: T0 + 1 }, { id: 'c', at: T0 + 2 }]));
    expect(r.alerts).toHaveLength(1);
    expect(r.victims).toEqual([]);
  });
});

describe('DetectionEngine: hot reload (replaceRulePack)', () => {
  it('an unchanged rule keeps its window state', () => {
    const e = engine();
    const r = run(e, [start('a', 0), start('b', SEC)]);
    e.replaceRulePack(pack([burstRule(3)], LATENESS));
    run(e, [start('c', 2 * SEC)], r);
    expect(r.alerts.map((a) => a.value)).toEqual([3]);
  });

  it('a changed rule starts fresh', () => {
    const e = engine();
    const r = run(e, [start('a', 0), start('b', SEC)]);
    e.replaceRulePack(pack([burstRule(3, { window: { type: 'sliding', size: '60s', hop: '5s' } })], LATENESS));
    run(e, [start('c', 2 * SEC)], r);
    expect(r.alerts).toEqual([]);
    run(e, [start('d', 3 * SEC), start('e', 4 * SEC)], r);
    expect(r.alerts.map((a) => a.value)).toEqual([3]);
  });

  it('keeps open alerts: an ongoing campaign is not alerted a second time after a reload', () => {
    const e = engine();
    const r = run(e, [0, 1, 2, 3].map((i) => start(`c${i}`, i * SEC)));
    expect(r.alerts.map((a) => a.value)).toEqual([3]);
    e.replaceRulePack(pack([burstRule(3)], LATENESS));
    run(e, [4].map((i) => start(`c${i}`, i * SEC)), r);
    expect(r.alerts.map((a) => a.value)).toEqual([3]);
    run(e, [5].map((i) => start(`c${i}`, i * SEC)), r);
    expect(r.alerts.map((a) => a.value)).toEqual([3, 6]);
  });

  it('an unchanged OTP rule keeps the calls it is waiting on', () => {
    const otp = { id: 'otp', type: 'otp_after_call', within: '10m', suspicious: { ref: 'dno' } };
    const e = engine([otp]);
    const r = run(e, timeline([{ id: 'x', at: T0, from: '+443001110001', talkMs: 2 * MIN, to: '+447700900009' }]));
    e.replaceRulePack(pack([otp], LATENESS));
    run(e, [smsEvent({ ts: T0 + 3 * MIN, recipient_number: '+447700900009' })], r);
    expect(r.alerts.map((a) => [a.rule_id, a.entity])).toEqual([['otp', '+447700900009']]);
  });

  it('drops removed and disabled rules, adds new ones', () => {
    const e = engine([burstRule(3), burstRule(5, { id: 'five' })]);
    run(e, [start('a', 0)]);
    expect(e.stats().activeKeysByRule).toEqual({ burst: 1, five: 1 });
    e.replaceRulePack(pack([burstRule(5, { id: 'five', enabled: false }), burstRule(2, { id: 'two' })], LATENESS));
    expect(e.stats().activeKeysByRule).toEqual({ two: 0 });
    expect(e.rulePack.rules.map((x) => x.id)).toEqual(['five', 'two']);
  });
});

describe('DetectionEngine: housekeeping', () => {
  it('frees state behind the watermark', () => {
    const e = engine();
    run(e, timeline([{ id: 'a', at: T0, trunk: 't1' }, { id: 'b', at: T0 + SEC, trunk: 't2' }]));
    expect(e.trackedCalls).toBe(2);
    expect(e.stateBytesByRule().burst).toBeGreaterThan(0);
    run(e, callEvents({ id: 'z', at: T0 + 10 * MIN, trunk: 't3' }));
    expect(e.trackedCalls).toBe(1);
    expect(e.stats().activeKeysByRule).toEqual({ burst: 1 });
  });
});

describe('DetectionEngine: records routed by key', () => {
  const otp = { id: 'otp', type: 'otp_after_call', within: '10m', suspicious: { ref: 'dno' } };
  const byCli = burstRule(3, { id: 'burst-cli', key: ['calling_number'] });

  it('runs only the rules kept under the route a record arrived on', () => {
    const e = engine([burstRule(3), byCli]);
    const out = { alerts: [], victims: [] };
    for (let i = 0; i < 3; i++) e.processCall(start(`c${i}`, i * SEC), out, 'keyed/0', 'ingress_trunk');
    expect(out.alerts.map((a: { rule_id: string }) => a.rule_id)).toEqual(['burst']);
  });

  it('counts a call once per route, so one instance may own several routes of it', () => {
    const e = engine([burstRule(1), byCli], LATENESS);
    const out = { alerts: [], victims: [] };
    expect(e.processCall(start('c', 0), out, 'keyed/0', 'ingress_trunk')).toBe('accepted');
    expect(e.processCall(start('c', 0), out, 'keyed/1', 'calling_number')).toBe('accepted');
    expect(e.processCall(start('c', 0), out, 'keyed/1', 'calling_number')).toBe('duplicate');
  });

  it('correlates an OTP with a call from an origin flagged by another instance, whichever comes first', () => {
    const call = timeline([{ id: 'clean', at: T0, talkMs: 2 * MIN, to: '+447700900009', trunk: 'trunk-x' }]);
    const sms = smsEvent({ ts: T0 + 3 * MIN, recipient_number: '+447700900009' });
    const remote = {
      alert_id: 'a1', rule_id: 'burst', severity: 'HIGH' as const, entity_type: 'ingress_trunk', entity: 'trunk-x',
      window_start: T0, window_end: T0 + MIN, ts: T0 + MIN, value: 3, threshold: 3, summary: '', evidence: [],
    };
    const feed = (flagFirst: boolean, withFlag = true) => {
      const e = engine([burstRule(3), otp]);
      const out: EngineOutput = { alerts: [], victims: [] };
      if (flagFirst && withFlag) e.processRemoteAlert(remote, out);
      for (const x of call) e.processCall(x as never, out, 'keyed/0', 'called_number');
      e.processSms(sms, out, 'keyed/0');
      if (!flagFirst && withFlag) e.processRemoteAlert(remote, out);
      return out.alerts.map((a) => [a.rule_id, a.entity]);
    };
    expect(feed(true)).toEqual([['otp', '+447700900009']]);
    expect(feed(false)).toEqual([['otp', '+447700900009']]);
    // Not suspicious by itself (no DNO caller ID): without the flag, nothing.
    expect(feed(true, false)).toEqual([]);
  });

  it('lists a partition\'s victims at the same records whatever other partitions the instance holds (a rewound partition re-lists exactly what its previous owner listed)', () => {
    const dnoCli = {
      id: 'dno-cli', key: ['calling_number'], filter: { ref: 'dno' }, window: { type: 'sliding', size: '10m', hop: '30s' },
      measures: { spoofed: { fn: 'count', where: START } }, when: [{ measure: 'spoofed', op: '>=', value: 1 }],
    };
    // On the caller ID's partition the flagging call comes first (its origin partition ran ahead),
    // then the victim's call, connected 2 min from before the flag.
    const flagging = callEvents({ id: 'f', at: T0 + 3 * MIN, from: BANK_DNO[0] });
    const victim = callEvents({ id: 'v', at: T0, talkMs: 2 * MIN, from: BANK_DNO[0], to: '+447700900042' });
    const yields = (alsoHoldsTheTrunk: boolean): string[] => {
      const e = engine([dnoCli], { allowedLateness: '5m' });
      const out: EngineOutput = { alerts: [], victims: [] };
      // The victim's call on the trunk's route, from another partition this instance may also hold.
      if (alsoHoldsTheTrunk) for (const x of victim) e.processCall(x, out, 'keyed/1', 'ingress_trunk');
      const listed: string[] = [];
      for (const x of [...flagging, ...victim]) {
        out.victims.length = 0;
        e.processCall(x, out, 'keyed/0', 'calling_number');
        for (const v of out.victims) listed.push(`${x.event_id} lists ${v.entity_type} ${v.call_id}`);
      }
      return listed;
    };
    expect(yields(false)).toEqual(['v/end lists calling_number v']);
    expect(yields(true)).toEqual(yields(false));
  });

  it('takes flags only from alerts of rules that list victims', () => {
    const e = engine([burstRule(3, { victims: false }), otp]);
    const out = { alerts: [], victims: [] };
    for (const x of timeline([{ id: 'clean', at: T0, talkMs: 2 * MIN, to: '+447700900009', trunk: 'trunk-x' }])) e.processCall(x as never, out, 'keyed/0', 'called_number');
    e.processSms(smsEvent({ ts: T0 + 3 * MIN, recipient_number: '+447700900009' }), out);
    e.processRemoteAlert({
      alert_id: 'a1', rule_id: 'burst', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 'trunk-x',
      window_start: T0, window_end: T0 + MIN, ts: T0 + MIN, value: 3, threshold: 3, summary: '', evidence: [],
    }, out);
    expect(out.alerts).toEqual([]);
  });
});

describe('DetectionEngine: one entity read from several partitions', () => {
  // A threshold-1 rule, as the DNO rules: every event of a spoofed call whose window holds a START fires.
  const dno = {
    id: 'dno', key: ['ingress_trunk'], filter: { ref: 'dno' }, window: { type: 'sliding', size: '10m', hop: '30s' },
    measures: { spoofed: { fn: 'count', where: START } }, when: [{ measure: 'spoofed', op: '>=', value: 1 }],
  };
  // Two DNO calls on one trunk, on two partitions (call ids spread calls over partitions): a long
  // one on p0 whose END is 40 min after its START, and one on p1 crossing into the next incident period.
  const calls = [
    { id: 'long', at: T0 + 5 * MIN, talkMs: 40 * MIN - 5 * SEC, from: BANK_DNO[0], trunk: 't' },
    { id: 'cross', at: T0 + 14 * MIN, talkMs: 8 * MIN, from: BANK_DNO[1], trunk: 't' },
  ];
  const [long, cross] = calls.map(callEvents) as [ReturnType<typeof callEvents>, ReturnType<typeof callEvents>];
  // Two calls and nothing else: gaps of minutes between records are the traffic, not a wrong clock.
  const SPARSE = { maxEventTimeJump: '1h' };
  const idsOf = (out: { alerts: { alert_id: string }[] }): string[] => [...new Set(out.alerts.map((a) => a.alert_id))].sort();

  it('finds the alerts of one reader in event-time order when a partition runs ahead (its newest event drops no state the watermark still needs)', () => {
    const inOrder = run(engine([dno], SPARSE), timeline(calls));
    // Two incident periods: [09:00, 09:15) from the STARTs, [09:15, 09:30) from the crossing call's ANSWER and END.
    expect(idsOf(inOrder)).toHaveLength(2);

    const e = engine([dno], SPARSE);
    e.addPendingSource('calls', 'p0');
    e.addPendingSource('calls', 'p1');
    const out: EngineOutput = { alerts: [], victims: [] };
    const read = (events: typeof long, source: string): void => {
      for (const x of events) expect(e.processCall(x, out, source)).toBe('accepted');
    };
    // p0 is read ahead: its END (09:45) is far beyond what p1 has delivered, and the watermark
    // (held by p1 at 09:14 minus the lateness) still accepts p1's events up to then.
    read(long.filter((x) => x.type === 'START'), 'p0');
    read(cross.filter((x) => x.type === 'START'), 'p1');
    read(long.filter((x) => x.type !== 'START'), 'p0');
    read(cross.filter((x) => x.type !== 'START'), 'p1');
    expect(idsOf(out)).toEqual(idsOf(inOrder));
  });
});
