import type { CallEvent, SmsEvent } from '../events.js';
import type { CallPredicate } from '../rules/condition.js';
import type { Firing, FiringHead } from '../rules/firing.js';
import type { OtpAfterCallRule } from '../rules/rule-pack.js';

interface ConnectedCall {
  callId: string;
  connectTs: number;
  trunk: string;
  cli: string;
  suspicious: boolean;
  matchedOtps: Set<string> | undefined;
}

interface Otp {
  eventId: string;
  ts: number;
  sender: string;
}

/**
 * Account takeover in progress: an OTP SMS reaching a callee within N minutes after a connected
 * call from a suspicious origin. Both sides are remembered per callee for N minutes so the match
 * does not depend on which stream is read first.
 */
export class OtpCorrelator {
  private readonly calls = new Map<string, ConnectedCall[]>();
  private readonly otps = new Map<string, Otp[]>();
  /** Expiry schedule: time bucket → callees with a call (or an OTP) in it, so a sweep visits only those due. */
  private readonly callsDue = new ExpirySchedule();
  private readonly otpsDue = new ExpirySchedule();

  constructor(
    readonly rule: OtpAfterCallRule,
    private readonly suspicious: CallPredicate,
    private readonly isFlagged: (entityType: string, entity: string, ts: number) => boolean,
  ) {}

  /** ANSWER, or END with connected time: the call connected at `connectTs`. */
  onCallConnected(e: CallEvent, connectTs: number, out: FiringHead[]): void {
    const suspicious = this.suspicious(e);
    // Fully attested calls that look clean are the bank's own and the public's: not remembered.
    if (!suspicious && e.attestation === 'A') return;
    const list = this.calls.get(e.called_number) ?? [];
    if (list.some((c) => c.callId === e.call_id)) return;
    const call: ConnectedCall = { callId: e.call_id, connectTs, trunk: e.ingress_trunk, cli: e.calling_number, suspicious, matchedOtps: undefined };
    list.push(call);
    this.calls.set(e.called_number, list);
    this.callsDue.add(connectTs, e.called_number);
    for (const otp of this.otps.get(e.called_number) ?? []) this.match(e.called_number, call, otp, out);
  }

  onSms(s: SmsEvent, out: FiringHead[]): void {
    if (s.category !== 'OTP') return;
    const otp: Otp = { eventId: s.event_id, ts: s.ts, sender: s.sender };
    const list = this.otps.get(s.recipient_number) ?? [];
    list.push(otp);
    this.otps.set(s.recipient_number, list);
    this.otpsDue.add(s.ts, s.recipient_number);
    for (const call of this.calls.get(s.recipient_number) ?? []) this.match(s.recipient_number, call, otp, out);
  }

  /**
   * An origin was flagged (or its flag extended): remembered OTPs to callees of its calls may match
   * now. So the alerts do not depend on whether the SMS stream or the call stream was read first
   * (a lagging partition, a broker outage): a flag arriving after the OTP finds it all the same.
   */
  onOriginFlagged(entityType: string, entity: string, out: FiringHead[]): void {
    if (entityType !== 'ingress_trunk' && entityType !== 'calling_number') return;
    for (const [victim, otps] of this.otps) {
      for (const call of this.calls.get(victim) ?? []) {
        if ((entityType === 'ingress_trunk' ? call.trunk : call.cli) !== entity) continue;
        for (const otp of otps) this.match(victim, call, otp, out);
      }
    }
  }

  private match(victim: string, call: ConnectedCall, otp: Otp, out: FiringHead[]): void {
    const delay = otp.ts - call.connectTs;
    if (delay < 0 || delay > this.rule.withinMs) return;
    const flagged = this.isFlagged('ingress_trunk', call.trunk, call.connectTs) || this.isFlagged('calling_number', call.cli, call.connectTs);
    if (!call.suspicious && !flagged) return;
    if (call.matchedOtps?.has(otp.eventId)) return;
    (call.matchedOtps ??= new Set()).add(otp.eventId);
    const firing: Firing = {
      ruleId: this.rule.id, severity: this.rule.severity, description: this.rule.description,
      entityType: 'called_number', entity: victim,
      windowStart: call.connectTs, windowEnd: call.connectTs + this.rule.withinMs, ts: Math.max(otp.ts, call.connectTs),
      value: Math.round(delay / 1000), threshold: Math.round(this.rule.withinMs / 1000), measures: { delay_s: Math.round(delay / 1000) },
      evidence: [call.callId], cooldownMs: this.rule.cooldownMs,
      summary: `OTP SMS from ${otp.sender} reached ${victim} ${Math.round(delay / 1000)} s after a connected call from ${flagged ? 'flagged' : 'suspicious'} origin ${call.trunk} presenting ${call.cli}: account takeover likely in progress`,
    };
    out.push(firing);
  }

  /**
   * A connected call is kept until the SMS stream has passed the end of its OTP window, an OTP until
   * the call stream has passed it; when the other stream is silent or far behind, at most
   * MAX_WAIT_FOR_OTHER_STREAM_MS more, so memory stays bounded.
   */
  sweep(callWatermark: number, smsWatermark: number): void {
    const callCutoff = otherStreamCutoff(callWatermark, smsWatermark) - this.rule.withinMs;
    const otpCutoff = otherStreamCutoff(smsWatermark, callWatermark) - this.rule.withinMs;
    this.callsDue.takeDue(callCutoff, (k) => {
      const list = this.calls.get(k);
      if (!list) return;
      const live = list.filter((c) => c.connectTs >= callCutoff);
      if (live.length === 0) this.calls.delete(k); else if (live.length !== list.length) this.calls.set(k, live);
      return live.map((c) => c.connectTs);
    });
    this.otpsDue.takeDue(otpCutoff, (k) => {
      const list = this.otps.get(k);
      if (!list) return;
      const live = list.filter((o) => o.ts >= otpCutoff);
      if (live.length === 0) this.otps.delete(k); else if (live.length !== list.length) this.otps.set(k, live);
      return live.map((o) => o.ts);
    });
  }
}

const EXPIRY_BUCKET_MS = 30_000;

/** Keys filed by the time bucket of an entry's time; a sweep takes the buckets its cutoff has reached. */
class ExpirySchedule {
  private readonly buckets = new Map<number, string[]>();

  add(ts: number, key: string): void {
    const bucket = Math.floor(ts / EXPIRY_BUCKET_MS);
    const list = this.buckets.get(bucket);
    if (list) list.push(key);
    else this.buckets.set(bucket, [key]);
  }

  /**
   * Visits (once each) the keys filed in buckets that start before `cutoff`, and unfiles them;
   * `visit` expires the key's entries and answers the times of those still live, and a key with a
   * live entry in a bucket taken (the one the cutoff falls in) is filed again.
   */
  takeDue(cutoff: number, visit: (key: string) => number[] | undefined): void {
    if (!(cutoff > Number.NEGATIVE_INFINITY)) return;
    const reached = Math.floor(cutoff / EXPIRY_BUCKET_MS);
    const keys = new Set<string>();
    for (const [bucket, list] of this.buckets) {
      if (bucket > reached) continue;
      for (const key of list) keys.add(key);
      this.buckets.delete(bucket);
    }
    for (const key of keys) {
      const live = visit(key);
      if (live?.some((ts) => Math.floor(ts / EXPIRY_BUCKET_MS) <= reached)) this.add(reached * EXPIRY_BUCKET_MS, key);
    }
  }
}

const MAX_WAIT_FOR_OTHER_STREAM_MS = 3_600_000;

/** A silent other stream (watermark −∞) is waited for as long as a lagging one: at most the bound. */
function otherStreamCutoff(own: number, other: number): number {
  return Math.max(Math.min(own, other), own - MAX_WAIT_FOR_OTHER_STREAM_MS);
}
