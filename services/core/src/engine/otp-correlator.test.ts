import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import type { Firing } from '../rules/firing.js';
import { compileCondition } from '../rules/condition.js';
import { callEvents, MIN, SEC, smsEvent, T0, type CallInput } from '../test-support/call-builder.js';
import { otpRule, reference } from '../test-support/fixtures.js';
import { OtpCorrelator } from './otp-correlator.js';

const VICTIM = '+447700900042';
const REF = reference();

function correlator(flagged: (type: string, entity: string, ts: number) => boolean = () => false) {
  const rule = otpRule({ within: '10m', severity: 'CRITICAL' });
  const c = new OtpCorrelator(rule, compileCondition(rule.suspicious, () => REF), flagged);
  const out: Firing[] = [];
  /** Feeds a call's ANSWER (if any) and END the way the engine does. */
  const call = (p: Partial<CallInput> & { at: number }) => {
    for (const e of callEvents({ id: 'call-1', to: VICTIM, talkMs: 3 * MIN, from: '+443001110001', trunk: 'intl-7', ...p })) feed(e);
  };
  const feed = (e: CallEvent) => {
    if (e.type === 'ANSWER') c.onCallConnected(e, e.ts, out);
    if (e.type === 'END' && (e.duration_ms ?? 0) > 0) c.onCallConnected(e, e.ts - e.duration_ms!, out);
  };
  const otp = (ts: number, p = {}) => c.onSms(smsEvent({ ts, recipient_number: VICTIM, event_id: `otp-${ts}`, ...p }), out);
  return { c, out, call, otp };
}

const CONNECT = T0 + 5 * SEC; // callEvents: answered 5 s after START at T0

describe('OtpCorrelator', () => {
  it('fires when an OTP reaches the callee within N minutes after a suspicious connected call', () => {
    const x = correlator();
    x.call({ at: T0 });
    x.otp(CONNECT + 4 * MIN);
    expect(x.out).toHaveLength(1);
    expect(x.out[0]).toMatchObject({
      ruleId: 'otp', severity: 'CRITICAL', entityType: 'called_number', entity: VICTIM,
      windowStart: CONNECT, windowEnd: CONNECT + 10 * MIN, ts: CONNECT + 4 * MIN,
      value: 240, threshold: 600, evidence: ['call-1'],
    });
    expect(x.out[0]!.summary).toMatch(/suspicious origin intl-7 presenting \+443001110001/);
    expect(x.out[0]).not.toHaveProperty('victims');
  });

  it('matches when the OTP is processed before the call event', () => {
    const x = correlator();
    x.otp(CONNECT + 2 * MIN);
    expect(x.out).toHaveLength(0);
    x.call({ at: T0 });
    expect(x.out.map((f) => [f.entity, f.value, f.ts])).toEqual([[VICTIM, 120, CONNECT + 2 * MIN]]);
  });

  it('matches a call known only from its END (connect time = end - duration)', () => {
    const x = correlator();
    x.call({ at: T0, answerEvent: false });
    x.otp(CONNECT + 9 * MIN);
    expect(x.out.map((f) => f.value)).toEqual([540]);
  });

  it.each<[string, Partial<CallInput>, number]>([
    ['a legit attested A call', { from: '+442079460000', attestation: 'A' }, 2 * MIN],
    ['an unattested call from a clean, unflagged origin', { from: '+442079460000' }, 2 * MIN],
    ['a call that never connected', { talkMs: 0 }, 2 * MIN],
    ['an OTP after the window', {}, 10 * MIN + 1],
    ['an OTP before the call connected', {}, -1],
  ])('does not fire for %s', (_why, p, otpDelay) => {
    const x = correlator();
    x.call({ at: T0, ...p });
    x.otp(CONNECT + otpDelay);
    expect(x.out).toEqual([]);
  });

  it('fires on the edge of the window', () => {
    const x = correlator();
    x.call({ at: T0 });
    x.otp(CONNECT + 10 * MIN);
    expect(x.out).toHaveLength(1);
  });

  it('ignores SMS that are not OTPs and OTPs to someone else', () => {
    const x = correlator();
    x.call({ at: T0 });
    x.otp(CONNECT + MIN, { category: 'A2P' });
    x.otp(CONNECT + MIN, { recipient_number: '+447700900043', event_id: 'other' });
    expect(x.out).toEqual([]);
  });

  it('a clean-looking call from a flagged origin counts, even when the flag came after the call', () => {
    const flags: [string, string][] = [];
    const x = correlator((t, e) => flags.some(([ft, fe]) => ft === t && fe === e));
    x.call({ at: T0, from: '+31201234567', attestation: 'B' });
    x.otp(CONNECT + MIN);
    expect(x.out).toHaveLength(0);
    flags.push(['ingress_trunk', 'intl-7']);
    x.otp(CONNECT + 2 * MIN);
    expect(x.out).toHaveLength(1);
    expect(x.out[0]!.summary).toMatch(/flagged origin/);
  });

  it('an OTP read before its origin was flagged matches when the flag arrives (stream order does not matter), once', () => {
    const flags: [string, string][] = [];
    const x = correlator((t, e) => flags.some(([ft, fe]) => ft === t && fe === e));
    x.call({ at: T0, from: '+31201234567', attestation: 'B' });
    x.otp(CONNECT + MIN);
    x.c.onOriginFlagged('ingress_trunk', 'other-trunk', x.out);
    expect(x.out).toHaveLength(0);
    flags.push(['ingress_trunk', 'intl-7']);
    x.c.onOriginFlagged('ingress_trunk', 'intl-7', x.out);
    x.c.onOriginFlagged('ingress_trunk', 'intl-7', x.out);
    expect(x.out.map((f) => [f.entity, f.value])).toEqual([[VICTIM, 60]]);
  });

  it('one firing per call and OTP, whether the call is seen at ANSWER, at END or re-delivered', () => {
    const x = correlator();
    x.call({ at: T0 });
    x.call({ at: T0 });
    x.otp(CONNECT + MIN);
    x.otp(CONNECT + 2 * MIN);
    expect(x.out.map((f) => f.value)).toEqual([60, 120]);
  });

  it('forgets calls and OTPs once the watermark is N minutes past them', () => {
    const x = correlator();
    x.call({ at: T0 });
    x.c.sweep(CONNECT + 10 * MIN + 1, CONNECT + 10 * MIN + 1);
    x.otp(CONNECT + 10 * MIN);
    expect(x.out).toEqual([]);
  });

  it('keeps a call through sweeps that stop short of it, however often, and forgets it at the first that passes it', () => {
    const x = correlator();
    x.call({ at: T0 });
    // Cutoff (watermark minus N minutes) exactly at the connect time, three times: still live.
    for (let i = 0; i < 3; i++) x.c.sweep(CONNECT + 10 * MIN, CONNECT + 10 * MIN);
    x.otp(CONNECT + 9 * MIN);
    expect(x.out).toHaveLength(1);
    x.c.sweep(CONNECT + 10 * MIN + 1, CONNECT + 10 * MIN + 1);
    x.otp(CONNECT + 9 * MIN + 30 * SEC);
    expect(x.out).toHaveLength(1);
  });

  it('forgets every expired call in the end, a chunk per sweep, though more expire at once than one sweep forgets', () => {
    const x = correlator();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      for (const e of callEvents({ id: `bulk-${i}`, to: `+4477009${String(i).padStart(5, '0')}`, at: T0 + i, talkMs: MIN, from: '+443001110001', trunk: 'intl-7' })) {
        if (e.type === 'ANSWER') x.c.onCallConnected(e, e.ts, x.out);
      }
    }
    expect(x.c.rememberedCalls).toBe(n);
    const past = T0 + n + 11 * MIN;
    x.c.sweep(past, past);
    // Gone at once: an OTP to one of them no longer matches.
    x.c.onSms(smsEvent({ ts: T0 + 9 * MIN, recipient_number: '+447700900007', event_id: 'late-otp' }), x.out);
    expect(x.out).toEqual([]);
    expect(x.c.rememberedCalls).toBeGreaterThan(0);
    for (let i = 0; i < 10 && x.c.rememberedCalls > 0; i++) x.c.sweep(past + i, past + i);
    expect(x.c.rememberedCalls).toBe(0);
  });

  it('a call connected before the last sweep\'s cutoff but seen after it is kept until the next sweep, as before', () => {
    const flags: [string, string][] = [];
    const x = correlator((t, e) => flags.some(([ft, fe]) => ft === t && fe === e));
    x.otp(CONNECT + MIN);
    x.c.sweep(CONNECT + 10 * MIN + 30 * SEC, CONNECT + 10 * MIN + 30 * SEC); // cutoff 30 s past the connect, before the OTP: it stays
    x.call({ at: T0, from: '+31201234567', attestation: 'B', answerEvent: false }); // known only from its END, connected before the cutoff
    expect(x.out).toHaveLength(0);
    flags.push(['calling_number', '+31201234567']);
    x.c.onOriginFlagged('calling_number', '+31201234567', x.out);
    expect(x.out.map((f) => [f.entity, f.value])).toEqual([[VICTIM, 60]]);
  });

  it('callees and calls forgotten free their slots for others without mixing up calls', () => {
    const x = correlator();
    x.call({ at: T0, id: 'first' });
    x.c.sweep(CONNECT + 10 * MIN + 1, CONNECT + 10 * MIN + 1);
    expect(x.c.rememberedCalls).toBe(0);
    const later = T0 + 20 * MIN;
    x.call({ at: later, id: 'second', to: '+447700900099' });
    x.call({ at: later, id: 'third' });
    x.otp(later + 5 * SEC + MIN);
    expect(x.out.map((f) => f.evidence)).toEqual([['third']]);
  });
});
