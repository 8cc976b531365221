import type { CallEvent, SmsEvent } from '../events.js';
import type { CallPredicate } from '../rules/condition.js';
import type { Firing, FiringHead } from '../rules/firing.js';
import type { OtpAfterCallRule } from '../rules/rule-pack.js';
import { KeyTable } from '../windows/key-table.js';
import { growF64, growI32, growU8, RecordPool } from '../windows/typed-columns.js';
import { ExpiryQueue } from './expiry-queue.js';

interface Otp {
  eventId: string;
  ts: number;
  sender: string;
}

const NONE = -1;
/** Expired calls forgotten per call or OTP seen, and per sweep (a first chunk): see ExpiryQueue. */
const FORGET_PER_EVENT = 4;
const FORGET_PER_SWEEP = 16_384;
/** Trunk names shared across remembered calls (a cache: cleared when this many, so it stays bounded). */
const TRUNK_CACHE_LIMIT = 4_096;
const EXPIRY_BUCKET_MS = 30_000;

/**
 * Account takeover in progress: an OTP SMS reaching a callee within N minutes after a connected
 * call from a suspicious origin. Both sides are remembered per callee for N minutes so the match
 * does not depend on which stream is read first.
 *
 * Connected calls are most of what this remembers (every call not fully attested, for minutes), so
 * they are packed: the callee maps to a slot of a key table, a call is a record of typed columns
 * (connect time, suspicious, next call of the same callee) plus three string references (call id,
 * trunk, caller ID), chained per callee in arrival order. A call past the last sweep's cutoff is
 * gone at once; its record is freed a few at a time (per call or OTP seen, and a chunk per sweep),
 * so a sweep where many calls expire does not pause for all of them.
 */
export class OtpCorrelator {
  private readonly callees: KeyTable;
  /** Per callee slot: its first remembered call. */
  private head = new Int32Array(0);
  // Per call record.
  private connectTs = new Float64Array(0);
  private next = new Int32Array(0);
  private calleeOf = new Int32Array(0);
  /** The number of sweeps before the call was remembered: a sweep removes only calls it finds. */
  private sweepsBefore = new Int32Array(0);
  private suspiciousCall = new Uint8Array(0);
  private callIds: (string | undefined)[] = [];
  private trunks: (string | undefined)[] = [];
  private clis: (string | undefined)[] = [];
  private readonly records = new RecordPool((n) => {
    this.connectTs = growF64(this.connectTs, n);
    this.next = growI32(this.next, n);
    this.calleeOf = growI32(this.calleeOf, n);
    this.sweepsBefore = growI32(this.sweepsBefore, n);
    this.suspiciousCall = growU8(this.suspiciousCall, n);
    this.callIds.length = n;
    this.trunks.length = n;
    this.clis.length = n;
  }, 256, () => this.next);
  /** Call record → OTP event ids it matched (few calls ever match). */
  private readonly matchedOtps = new Map<number, Set<string>>();
  private readonly trunkNames = new Map<string, string>();
  /**
   * Calls connected before this (the last sweep's cutoff) and remembered before that sweep are gone,
   * though perhaps not forgotten yet; a call remembered since is kept until the next sweep, as a
   * sweep that deleted at once would keep it.
   */
  private callCutoff = Number.NEGATIVE_INFINITY;
  private sweeps = 0;
  /** Call records by connect time; those of buckets a sweep reached wait to be forgotten. */
  private readonly callsDue = new ExpiryQueue(EXPIRY_BUCKET_MS);
  /** A due call past the cutoff is forgotten; others (in the bucket the cutoff falls in) are filed again for the next sweep. */
  private readonly forgetDue = (r: number): void => {
    // Every record here was remembered before the sweep that made it due.
    const ts = this.connectTs[r]!;
    if (ts < this.callCutoff) this.forget(r);
    else this.callsDue.file(r, ts);
  };
  private readonly otps = new Map<string, Otp[]>();
  /** Expiry schedule: time bucket → callees with an OTP in it, so a sweep visits only those due. */
  private readonly otpsDue = new ExpirySchedule();

  /** `hash`: of the callee numbers (keyed, in the engine, so nobody can choose numbers that pile up in one probe run). */
  constructor(
    readonly rule: OtpAfterCallRule,
    private readonly suspicious: CallPredicate,
    private readonly isFlagged: (entityType: string, entity: string, ts: number) => boolean,
    hash?: (text: string) => number,
  ) {
    this.callees = new KeyTable(hash);
  }

  /** ANSWER, or END with connected time: the call connected at `connectTs`. */
  onCallConnected(e: CallEvent, connectTs: number, out: FiringHead[]): void {
    const suspicious = this.suspicious(e);
    // Fully attested calls that look clean are the bank's own and the public's: not remembered.
    if (!suspicious && e.attestation === 'A') return;
    this.callsDue.drain(FORGET_PER_EVENT, this.forgetDue);
    let slot = this.callees.find(e.called_number);
    let last = NONE;
    if (slot < 0) {
      slot = this.callees.insert(e.called_number);
      if (this.head.length < this.callees.slotCapacity) this.head = growI32(this.head, this.callees.slotCapacity, NONE);
      this.head[slot] = NONE;
    } else {
      for (let r = this.head[slot]!; r !== NONE; r = this.next[r]!) {
        if (!this.gone(r) && this.callIds[r] === e.call_id) return;
        last = r;
      }
    }
    const r = this.records.alloc();
    this.connectTs[r] = connectTs;
    this.next[r] = NONE;
    this.calleeOf[r] = slot;
    this.sweepsBefore[r] = this.sweeps;
    this.suspiciousCall[r] = suspicious ? 1 : 0;
    this.callIds[r] = e.call_id;
    this.trunks[r] = this.trunkName(e.ingress_trunk);
    this.clis[r] = e.calling_number;
    if (last === NONE) this.head[slot] = r;
    else this.next[last] = r;
    this.callsDue.file(r, connectTs);
    for (const otp of this.otps.get(e.called_number) ?? []) this.match(e.called_number, r, otp, out);
  }

  private trunkName(trunk: string): string {
    const known = this.trunkNames.get(trunk);
    if (known !== undefined) return known;
    if (this.trunkNames.size >= TRUNK_CACHE_LIMIT) this.trunkNames.clear();
    this.trunkNames.set(trunk, trunk);
    return trunk;
  }

  onSms(s: SmsEvent, out: FiringHead[]): void {
    if (s.category !== 'OTP') return;
    this.callsDue.drain(FORGET_PER_EVENT, this.forgetDue);
    const otp: Otp = { eventId: s.event_id, ts: s.ts, sender: s.sender };
    const list = this.otps.get(s.recipient_number) ?? [];
    list.push(otp);
    this.otps.set(s.recipient_number, list);
    this.otpsDue.add(s.ts, s.recipient_number);
    const slot = this.callees.find(s.recipient_number);
    if (slot < 0) return;
    for (let r = this.head[slot]!; r !== NONE; r = this.next[r]!) {
      if (!this.gone(r)) this.match(s.recipient_number, r, otp, out);
    }
  }

  /**
   * An origin was flagged (or its flag extended): remembered OTPs to callees of its calls may match
   * now. So the alerts do not depend on whether the SMS stream or the call stream was read first
   * (a lagging partition, a broker outage): a flag arriving after the OTP finds it all the same.
   */
  onOriginFlagged(entityType: string, entity: string, out: FiringHead[]): void {
    if (entityType !== 'ingress_trunk' && entityType !== 'calling_number') return;
    const origins = entityType === 'ingress_trunk' ? this.trunks : this.clis;
    for (const [victim, otps] of this.otps) {
      const slot = this.callees.find(victim);
      if (slot < 0) continue;
      for (let r = this.head[slot]!; r !== NONE; r = this.next[r]!) {
        if (this.gone(r) || origins[r] !== entity) continue;
        for (const otp of otps) this.match(victim, r, otp, out);
      }
    }
  }

  /** `call`: a record of a remembered call. */
  private match(victim: string, call: number, otp: Otp, out: FiringHead[]): void {
    const connectTs = this.connectTs[call]!;
    const delay = otp.ts - connectTs;
    if (delay < 0 || delay > this.rule.withinMs) return;
    const trunk = this.trunks[call]!;
    const cli = this.clis[call]!;
    const flagged = this.isFlagged('ingress_trunk', trunk, connectTs) || this.isFlagged('calling_number', cli, connectTs);
    if (this.suspiciousCall[call] === 0 && !flagged) return;
    let matched = this.matchedOtps.get(call);
    if (matched?.has(otp.eventId)) return;
    if (!matched) this.matchedOtps.set(call, (matched = new Set()));
    matched.add(otp.eventId);
    const firing: Firing = {
      ruleId: this.rule.id, severity: this.rule.severity, description: this.rule.description,
      entityType: 'called_number', entity: victim,
      windowStart: connectTs, windowEnd: connectTs + this.rule.withinMs, ts: Math.max(otp.ts, connectTs),
      value: Math.round(delay / 1000), threshold: Math.round(this.rule.withinMs / 1000), measures: { delay_s: Math.round(delay / 1000) },
      evidence: [this.callIds[call]!], cooldownMs: this.rule.cooldownMs,
      summary: `OTP SMS from ${otp.sender} reached ${victim} ${Math.round(delay / 1000)} s after a connected call from ${flagged ? 'flagged' : 'suspicious'} origin ${trunk} presenting ${cli}: account takeover likely in progress`,
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
    if (callCutoff > Number.NEGATIVE_INFINITY) {
      // Both watermarks only move forward: so does the cutoff.
      this.callCutoff = Math.max(this.callCutoff, callCutoff);
      this.sweeps++;
      this.callsDue.reach(callCutoff);
    }
    this.callsDue.drain(FORGET_PER_SWEEP, this.forgetDue);
    this.otpsDue.takeDue(otpCutoff, (k) => {
      const list = this.otps.get(k);
      if (!list) return;
      const live = list.filter((o) => o.ts >= otpCutoff);
      if (live.length === 0) this.otps.delete(k); else if (live.length !== list.length) this.otps.set(k, live);
      return live.map((o) => o.ts);
    });
  }

  private gone(r: number): boolean {
    return this.connectTs[r]! < this.callCutoff && this.sweepsBefore[r]! < this.sweeps;
  }

  private forget(r: number): void {
    const slot = this.calleeOf[r]!;
    let prev = NONE;
    for (let c = this.head[slot]!; c !== r; c = this.next[c]!) prev = c;
    const after = this.next[r]!;
    if (prev === NONE) this.head[slot] = after;
    else this.next[prev] = after;
    if (this.head[slot] === NONE) this.callees.remove(slot);
    this.callIds[r] = undefined;
    this.trunks[r] = undefined;
    this.clis[r] = undefined;
    this.matchedOtps.delete(r);
    this.records.free(r);
  }

  /** Calls remembered, including those gone but not yet forgotten (for tests). */
  get rememberedCalls(): number {
    return this.records.live;
  }

  /** Bytes of the packed calls (typed columns, string references, callee table), not the strings. */
  callBytes(): number {
    const cap = this.records.capacity;
    return this.head.byteLength + this.connectTs.byteLength + this.next.byteLength + this.calleeOf.byteLength + this.sweepsBefore.byteLength
      + this.suspiciousCall.byteLength + 3 * 8 * cap + this.callees.bytes();
  }
}

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
