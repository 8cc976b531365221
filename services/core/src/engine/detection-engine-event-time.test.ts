import { describe, expect, it } from 'vitest';
import type { CallEvent, SmsEvent } from '../events.js';
import { callee, MIN, SEC, smsEvent, T0, timeline, type CallInput, type Item } from '../test-support/call-builder.js';
import { burstRule, pack, reference } from '../test-support/fixtures.js';
import { DetectionEngine, type EngineOutput } from './detection-engine.js';

const isSms = (x: Item): x is SmsEvent => 'recipient_number' in x;
const SOURCES = ['calls/0', 'calls/1', 'calls/2'];

/** A campaign on trunk-x: 120 calls 2 s apart, every 10th answered for 90 s (a victim), then an OTP to the first victim. */
function campaign(): Item[] {
  const calls: CallInput[] = Array.from({ length: 120 }, (_, i) => ({
    id: `c${i}`, at: T0 + i * 2 * SEC, trunk: 'trunk-x', to: callee(i), ...(i % 10 === 0 ? { talkMs: 90 * SEC } : {}),
  }));
  return timeline(calls, [smsEvent({ ts: T0 + 3 * MIN, event_id: 'otp-1', recipient_number: callee(0) })]);
}

interface Fed { item: Item; source: string }

/** Round-robin over three call partitions and one SMS partition. */
function onSources(items: Item[]): Fed[] {
  let n = 0;
  return items.map((item) => ({ item, source: isSms(item) ? 'sms/0' : SOURCES[n++ % SOURCES.length]! }));
}

function runEngine(fed: Fed[]) {
  const engine = new DetectionEngine(pack([burstRule(20), { id: 'otp', type: 'otp_after_call', within: '10m', suspicious: { ref: 'dno' } }]), reference());
  const out: EngineOutput = { alerts: [], victims: [] };
  const outcomes = fed.map(({ item, source }) => (isSms(item) ? engine.processSms(item, out, source) : engine.processCall(item, out, source)));
  return { out, outcomes, stats: engine.stats() };
}

const alertKeys = (out: EngineOutput): string[] => [...new Set(out.alerts.map((a) => `${a.rule_id} ${a.alert_id}`))];
const victimKeys = (out: EngineOutput): string[] => out.victims.map((v) => `${v.call_id} ${v.victim_number}`);

describe('DetectionEngine: one record far in the future cannot blind it', () => {
  it('a far-future event on every source at the start of a campaign changes no alert and no victim', () => {
    const clean = onSources(campaign());
    const expected = runEngine(clean);
    expect(alertKeys(expected.out).some((k) => k.startsWith('burst '))).toBe(true);
    expect(alertKeys(expected.out).some((k) => k.startsWith('otp '))).toBe(true);
    expect(expected.out.victims.length).toBeGreaterThanOrEqual(10);

    // Nine minutes ahead (inside the detector's 10-minute wall-clock bound), one per source, early in the campaign.
    const poisoned = [...clean];
    const ahead = (at: number): number => at + 9 * MIN;
    const bogusCall = (source: string, at: number, i: number): Fed => ({
      source, item: { event_id: `bogus-${i}`, call_id: `bogus-${i}`, type: 'START', ts: ahead(at), calling_number: '+442071234567', called_number: callee(900 + i), ingress_trunk: 'trunk-x', ingress_country: 'GB', attestation: 'NONE', duration_ms: null, sip_code: null } satisfies CallEvent,
    });
    [4, 15, 30].forEach((pos, i) => poisoned.splice(pos, 0, bogusCall(SOURCES[i]!, clean[pos]!.item.ts, i)));
    poisoned.splice(40, 0, { source: 'sms/0', item: smsEvent({ ts: ahead(clean[40]!.item.ts), event_id: 'bogus-sms', recipient_number: callee(0) }) });
    const got = runEngine(poisoned);

    expect(alertKeys(got.out)).toEqual(alertKeys(expected.out));
    expect(victimKeys(got.out)).toEqual(victimKeys(expected.out));
    expect(got.outcomes.filter((o) => o === 'future')).toHaveLength(4);
    expect(got.stats).toMatchObject({ future: 4, futureTakenBack: 0, late: 0 });
  });

  it('a real gap in traffic is taken as it is: the records after it are processed, none lost', () => {
    const items = campaign();
    const later = items.map((x) => ({ ...x, ts: x.ts + 45 * MIN, ...('call_id' in x ? { call_id: `${x.call_id}-later`, event_id: `${x.event_id}-later` } : { event_id: `${x.event_id}-later` }) })) as Item[];
    const { out, stats } = runEngine(onSources([...items, ...later]));
    const once = runEngine(onSources(items)).out;
    expect(stats).toMatchObject({ late: 0, future: stats.futureTakenBack });
    expect(stats.eventsAccepted).toBe(2 * items.length);
    // A new incident of the burst rule (cooldown 15 min), and every victim again.
    const burstAlerts = (o: EngineOutput): number => new Set(o.alerts.filter((a) => a.rule_id === 'burst').map((a) => a.alert_id)).size;
    expect(burstAlerts(out)).toBe(2 * burstAlerts(once));
    expect(out.victims).toHaveLength(2 * once.victims.length);
  });

  it('re-sent copies read from another partition neither give up a held record nor vote for one', () => {
    // Seen in a loaded fault run: the last call of a campaign ends 20 minutes after traffic stopped,
    // so its END waits as far ahead; copies of the newest records, re-sent to another partition,
    // moved that partition on and gave the END up as FUTURE_EVENT: its victim was never listed.
    const calls: CallInput[] = Array.from({ length: 120 }, (_, i) => ({ id: `c${i}`, at: T0 + i * 2 * SEC, trunk: 'trunk-x', to: callee(i) }));
    calls.push({ id: 'long', at: T0 + MIN, trunk: 'trunk-x', to: callee(500), talkMs: 20 * MIN });
    const fed = timeline(calls).map((item, i) => ({ item, source: SOURCES[i % 2]! }));
    const tail = fed.pop()!;
    expect(tail.item).toMatchObject({ call_id: 'long', type: 'END' });
    const engine = new DetectionEngine(pack([burstRule(20)]), reference());
    const out: EngineOutput = { alerts: [], victims: [] };
    const feed = (f: Fed) => engine.processCall(f.item as CallEvent, out, f.source);
    fed.forEach(feed);
    expect(feed({ item: tail.item, source: 'calls/2' })).toBe('future');
    // Copies of the newest on-time records, read from the END's own partition.
    const copies = fed.slice(-5).map(({ item }) => ({ item: { ...item }, source: 'calls/2' }));
    expect(copies.map(feed)).toEqual(copies.map(() => 'duplicate'));
    // Copies of the held END itself: no quorum out of one record.
    expect([feed({ item: { ...tail.item }, source: 'calls/2' }), feed({ item: { ...tail.item }, source: 'calls/0' })]).toEqual(['duplicate', 'duplicate']);
    expect(engine.futureStatus(tail.item)).toBe('waiting');
    // Traffic went quiet: the END is the stream's last progress, and its victim is listed.
    expect(engine.releaseQuietTail(out)).toBe(1);
    expect(out.victims.map((v) => v.call_id)).toEqual(['long']);
  });

  it('one misdated record re-sent many times never confirms a jump in event time', () => {
    const fed = onSources(campaign());
    const engine = new DetectionEngine(pack([burstRule(20)]), reference());
    const out: EngineOutput = { alerts: [], victims: [] };
    fed.slice(0, 50).forEach(({ item, source }) => (isSms(item) ? engine.processSms(item, out, source) : engine.processCall(item, out, source)));
    const before = engine.eventTime;
    const bogus: CallEvent = { event_id: 'bogus', call_id: 'bogus', type: 'START', ts: before + 30 * MIN, calling_number: '+442071234567', called_number: callee(999), ingress_trunk: 'trunk-y', ingress_country: 'GB', attestation: 'NONE', duration_ms: null, sip_code: null };
    const outcomes = SOURCES.flatMap((source) => [engine.processCall({ ...bogus }, out, source), engine.processCall({ ...bogus }, out, source)]);
    expect(outcomes).toEqual(['future', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(engine.eventTime).toBe(before);
  });
});
