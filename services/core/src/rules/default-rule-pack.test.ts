import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../engine/detection-engine.js';
import { burst, MIN, run, SEC, smsEvent, T0, timeline, type CallInput } from '../test-support/call-builder.js';
import { BANK_DNO, reference } from '../test-support/fixtures.js';
import { DEFAULT_RULE_PACK } from './default-rule-pack.js';

const REF = reference();
const engine = () => new DetectionEngine(DEFAULT_RULE_PACK, REF);
const ruleIds = (alerts: { rule_id: string }[]) => [...new Set(alerts.map((a) => a.rule_id))].sort();

/** iSpoof-like: a foreign wholesale trunk presenting banks' DNO numbers, unsigned, 25 calls/min, 20 % answered. */
const ISPOOF = burst({
  prefix: 'ispoof', start: T0, count: 75, perMinute: 25, trunk: 'intl-wholesale-9', country: 'NL', attestation: 'NONE',
  from: (i) => BANK_DNO[i % BANK_DNO.length]!, answerRate: 0.2, talkMs: 3 * MIN,
});

/** Legitimate look-alikes (domain.md) that must stay silent. */
const LEGIT: Record<string, CallInput[]> = {
  'bank outbound call centre (A, 60/min, 80 % answered, long calls)': burst({
    prefix: 'bank', start: T0, count: 300, perMinute: 60, trunk: 'bank-outbound-1', from: '+442079460000', attestation: 'A',
    answerRate: 0.8, talkMs: 4 * MIN,
  }),
  'notification run (A, 40 distinct callees/min, short answered calls)': burst({
    prefix: 'notify', start: T0, count: 200, perMinute: 40, trunk: 'notify-1', from: '+442079460100', attestation: 'A',
    answerRate: 0.9, talkMs: 20 * SEC, ringMs: 3 * SEC,
  }),
  'roaming +447 mobiles calling home from abroad': burst({
    prefix: 'roam', start: T0, count: 200, perMinute: 40, trunk: 'roam-fr-1', country: 'FR', attestation: 'C',
    from: (i) => `+4477009${String(50_000 + (i % 40)).padStart(5, '0')}`, answerRate: 0.65, talkMs: 2 * MIN,
  }),
  'heavy human caller (one CLI, a call every 40 s for an hour)': burst({
    prefix: 'human', start: T0, count: 90, perMinute: 1.5, trunk: 'mobile-core', from: '+447700900777', attestation: 'B',
    to: (i) => `+4477009001${String(i % 15).padStart(2, '0')}`, answerRate: 0.6, talkMs: 90 * SEC,
  }),
};

describe('default rule pack', () => {
  it('an iSpoof-like burst fires the DNO, home-CLI-from-abroad and campaign rules on its trunk and caller IDs', () => {
    const e = engine();
    const r = run(e, timeline(ISPOOF));
    // The burst dials callee(i), consecutive numbers: the range-dialling rule agrees. The CLI-agnostic
    // campaign rules stay silent: every answered call here is a 3-minute conversation, so a fifth of the
    // attempts are long calls, as on a legitimate trunk (the pack's long-call limit); the DNO rules carry it.
    expect(ruleIds(r.alerts)).toEqual([
      'dno-spoofed-cli-number', 'dno-spoofed-cli-trunk', 'home-cli-from-abroad-number', 'home-cli-from-abroad-trunk', 'range-dialling-trunk',
    ]);
    const entities = new Set(r.alerts.map((a) => `${a.entity_type}=${a.entity}`));
    expect(entities).toEqual(new Set(['ingress_trunk=intl-wholesale-9', ...BANK_DNO.map((n) => `calling_number=${n}`)]));
    const first = (id: string) => r.alerts.find((a) => a.rule_id === id)!;
    expect(first('dno-spoofed-cli-trunk').ts).toBe(T0);
    // Three rules agree on the trunk: its alerts end up CRITICAL.
    expect(r.alerts.filter((a) => a.entity === 'intl-wholesale-9').at(-1)!.severity).toBe('CRITICAL');
    // One alert id per rule and entity (no repeats within the period), a handful of records overall.
    const ids = new Set(r.alerts.map((a) => a.alert_id));
    expect(ids.size).toBe(new Set(r.alerts.map((a) => `${a.rule_id}/${a.entity}`)).size);
    expect(r.alerts.length).toBeLessThan(60);
  });

  it('lists each answered iSpoof call (> 60 s) as one victim exposure per kind of flagged origin', () => {
    const r = run(engine(), timeline(ISPOOF));
    const answered = ISPOOF.filter((c) => (c.talkMs ?? 0) > 0);
    expect(answered).toHaveLength(15);
    expect([...new Set(r.victims.map((v) => v.call_id))].sort()).toEqual(answered.map((c) => c.id).sort());
    const perKind = new Set(r.victims.map((v) => `${v.entity_type} ${v.call_id}`));
    expect(perKind.size).toBe(r.victims.length);
    expect(new Set(r.victims.map((v) => v.alert_id)).size).toBeGreaterThan(0);
    for (const v of r.victims) expect(r.alerts.some((a) => a.alert_id === v.alert_id && a.entity === v.entity)).toBe(true);
  });

  it('victims of a campaign trunk include calls with caller IDs the DNO rule did not cover', () => {
    // Half the calls present DNO numbers, half random foreign numbers: the DNO rule flags the trunk first
    // (for DNO calls only), the campaign rule then flags the whole trunk. One call in 25 hooks its callee
    // for 3 minutes (long calls stay under the campaign rules' 6 % limit).
    const mixed = burst({
      prefix: 'mix', start: T0, count: 75, perMinute: 25, trunk: 'intl-wholesale-9', country: 'NL',
      from: (i) => (i % 2 === 0 ? BANK_DNO[0]! : `+3120${String(5_550_000 + i).padStart(7, '0')}`), answerRate: 0.04, talkMs: 3 * MIN,
    });
    const r = run(engine(), timeline(mixed));
    expect(ruleIds(r.alerts)).toContain('spoofing-campaign-trunk');
    const answered = mixed.filter((c) => (c.talkMs ?? 0) > 0).map((c) => c.id).sort();
    expect(answered.some((id) => Number(id.split('-')[1]) % 2 === 1)).toBe(true);
    expect(r.victims.filter((v) => v.entity_type === 'ingress_trunk').map((v) => v.call_id).sort()).toEqual(answered);
  });

  it('a domestic gateway rotating random caller IDs, unsigned and rarely answered, fires the campaign rules', () => {
    const calls = burst({
      prefix: 'rot', start: T0, count: 120, perMinute: 40, trunk: 'gw-reseller-3', attestation: 'C',
      from: (i) => `+44161${String(4_000_000 + i * 7).padStart(7, '0')}`, answerRate: 0.1, talkMs: 2 * MIN,
    });
    expect(ruleIds(run(engine(), timeline(calls)).alerts)).toEqual(['cli-rotation-trunk', 'range-dialling-trunk', 'spoofing-campaign-trunk']);
  });

  it('one spoofed caller ID dialling fast, partly attested and rarely answered, fires the caller-ID campaign rule', () => {
    // Callees scattered over many number blocks, so only the caller-ID rule and the CLI-agnostic trunk rule apply.
    const calls = burst({
      prefix: 'one', start: T0, count: 40, perMinute: 20, trunk: 'pbx-9', from: '+442071112222', attestation: 'B', answerRate: 0.05,
      to: (i) => `+4477009${String((i * 7_919) % 100_000).padStart(5, '0')}`,
    });
    const r = run(engine(), timeline(calls));
    expect(ruleIds(r.alerts)).toEqual(['spoofing-campaign-cli', 'spoofing-campaign-trunk']);
    expect(new Set(r.alerts.filter((a) => a.rule_id === 'spoofing-campaign-cli').map((a) => a.entity))).toEqual(new Set(['+442071112222']));
  });

  it.each(Object.entries(LEGIT))('%s fires nothing', (_why, calls) => {
    const e = engine();
    const r = run(e, timeline(calls));
    expect(r.alerts).toEqual([]);
    expect(r.victims).toEqual([]);
    expect(e.stats().eventsAccepted).toBeGreaterThan(2 * calls.length - 1);
  });

  it('mixed traffic: only the iSpoof trunk and its caller IDs are alerted', () => {
    const r = run(engine(), timeline([...ISPOOF, ...Object.values(LEGIT).flat()]));
    const entities = new Set(r.alerts.map((a) => a.entity));
    expect(entities).toEqual(new Set(['intl-wholesale-9', ...BANK_DNO]));
    expect(r.victims.every((v) => v.call_id.startsWith('ispoof-'))).toBe(true);
  });

  it('an OTP minutes after an answered spoofed call fires the CRITICAL takeover rule; after a bank call it does not', () => {
    const victim = ISPOOF.find((c) => (c.talkMs ?? 0) > 0)!;
    const bankCustomer = LEGIT['bank outbound call centre (A, 60/min, 80 % answered, long calls)']![0]!;
    const connected = (c: CallInput) => c.at + 5 * SEC;
    const sms = [
      smsEvent({ ts: connected(victim) + 4 * MIN, recipient_number: victim.to!, event_id: 'otp-victim' }),
      smsEvent({ ts: connected(bankCustomer) + 4 * MIN, recipient_number: bankCustomer.to!, event_id: 'otp-bank' }),
      smsEvent({ ts: connected(victim) + 20 * MIN, recipient_number: victim.to!, event_id: 'otp-late' }),
    ];
    const r = run(engine(), timeline([...ISPOOF, bankCustomer], sms));
    const otp = r.alerts.filter((a) => a.rule_id === 'otp-after-suspicious-call');
    expect(otp.map((a) => [a.entity, a.severity, a.value, a.evidence])).toEqual([[victim.to, 'CRITICAL', 240, [victim.id]]]);
  });

  it('is deterministic: the same input gives the same alerts and victims', () => {
    const input = timeline([...ISPOOF, ...Object.values(LEGIT).flat()]);
    const a = run(engine(), input);
    const b = run(engine(), input);
    expect(JSON.stringify(b.alerts)).toBe(JSON.stringify(a.alerts));
    expect(JSON.stringify(b.victims)).toBe(JSON.stringify(a.victims));
  });
});
