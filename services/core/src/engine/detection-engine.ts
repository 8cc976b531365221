import type { Alert, CallEvent, SmsEvent, VictimExposure } from '../events.js';
import { FIXED_HASH_SEED, keyedFingerprint, type Fingerprint, type HashSeed } from '../keyed-hash.js';
import { isAllowlisted, isEntityAllowlisted, type ReferenceData } from '../reference/reference-data.js';
import { compileCondition } from '../rules/condition.js';
import type { Firing, FiringHead } from '../rules/firing.js';
import type { RulePack, WindowRule } from '../rules/rule-pack.js';
import { WindowRuleEvaluator } from '../rules/window-rule-evaluator.js';
import { AlertBook } from './alert-book.js';
import { CallRegistry } from './call-registry.js';
import { CALLEE_ROUTE } from './detection-routes.js';
import { OriginFlagBook } from './origin-flag-book.js';
import { OtpCorrelator } from './otp-correlator.js';
import { EventTimeGuard } from './event-time-guard.js';
import { VictimTracker } from './victim-tracker.js';
import { Watermark } from './watermark.js';
import { unreachable } from '../pipeline-error.js';

/** Where the engine puts what it found; the caller drains it after each batch. */
export interface EngineOutput {
  alerts: Alert[];
  victims: VictimExposure[];
}

export type EventOutcome = 'accepted' | 'duplicate' | 'late' | 'future' | 'allowlisted';

/**
 * What became of an event parked as too far ahead: still `waiting` for later records to confirm
 * or contradict its time, `processed` after all (taken back), or `parked` for good.
 */
export type FutureStatus = 'waiting' | 'processed' | 'parked';

export interface EngineStats {
  eventsAccepted: number;
  duplicates: number;
  late: number;
  /** Records parked as too far ahead of the confirmed event time (`FUTURE_EVENT`). */
  future: number;
  /** Of those, records taken back when later records confirmed the jump (a real gap in traffic). */
  futureTakenBack: number;
  allowlisted: number;
  alertsEmitted: number;
  victimsEmitted: number;
  callWatermark: number;
  activeKeysByRule: Record<string, number>;
}

export interface EngineOptions {
  /**
   * Key of the hash distinct values are counted by: secret and random per process in the services,
   * so nobody can choose values that collide; fixed by default (tests, benchmarks).
   */
  hashSeed?: HashSeed;
}

/** Records routed by another key run no OTP correlation (shared, so the per-event path allocates nothing). */
const NO_OTP: readonly OtpCorrelator[] = [];

/** A record parked by the event-time guard, kept to be processed if later records confirm its time. */
type ParkedRecord =
  | { kind: 'call'; event: CallEvent; source: string | undefined; route: string | undefined }
  | { kind: 'sms'; event: SmsEvent; source: string | undefined };

/** Event time between housekeeping sweeps of expired state. */
const SWEEP_EVERY_MS = 30_000;
/** Keys the windows' part of a periodic sweep visits at most: about 8 ms of freeing; the rest goes a few per event. */
const WINDOW_SWEEP_BUDGET = 8_192;
/** The OTP correlator keeps minutes of calls; sweeping it less often costs little memory. */
const OTP_SWEEP_EVERY_MS = 120_000;

/**
 * The detection core shared by the streaming detector and the replay CLI: deduplicates, applies
 * the watermark, runs every rule, turns firings into alerts with a lifecycle, and lists victims.
 * Pure and synchronous: time is the events' own.
 */

export class DetectionEngine {
  private pack: RulePack;
  private reference: ReferenceData;
  private evaluators: WindowRuleEvaluator[] = [];
  /** Route (the key a rule keeps state under) → its rules, for records routed by key. */
  private evaluatorsByRoute = new Map<string, WindowRuleEvaluator[]>();
  /** Origins flagged by other instances' alerts (routed deployments). */
  private readonly remoteFlags = new OriginFlagBook();
  private otp: OtpCorrelator[] = [];
  private alertBook: AlertBook;
  private readonly victims: VictimTracker;
  /** Calls seen, per route (one instance may own several routes of a call, each a sighting of its own); unrouted under undefined. */
  private readonly registries = new Map<string | undefined, CallRegistry>();
  /** SMS seen, by event id (an SMS has one moment: recorded as a START), until the SMS watermark passes them. */
  private readonly smsSeen: CallRegistry;
  private readonly callWatermark: Watermark;
  private readonly smsWatermark: Watermark;
  /** One event clock for calls and SMS: a sparse SMS stream is judged by the calls' progress too. */
  private readonly guard: EventTimeGuard<ParkedRecord>;
  private readonly takenBack = new WeakSet<CallEvent | SmsEvent>();
  /** Why a held record was given up as FUTURE_EVENT (for its dead letter). */
  private readonly dropReasons = new WeakMap<CallEvent | SmsEvent, string>();
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** The rule the next windows' sweep starts with (each gets the whole budget in turn). */
  private sweepFirst = 0;
  private lastOtpSweep = Number.NEGATIVE_INFINITY;
  private readonly counters = { eventsAccepted: 0, duplicates: 0, late: 0, future: 0, futureTakenBack: 0, allowlisted: 0, alertsEmitted: 0, victimsEmitted: 0 };
  private readonly firings: FiringHead[] = [];

  private readonly fingerprint: Fingerprint;
  /** The keyed fingerprint cut to 32 bits, for hash tables keyed by strings senders choose (callees, call ids). */
  private readonly tableHash: (text: string) => number;

  constructor(pack: RulePack, reference: ReferenceData, options: EngineOptions = {}) {
    this.pack = pack;
    this.fingerprint = keyedFingerprint(options.hashSeed ?? FIXED_HASH_SEED);
    const fingerprint = this.fingerprint;
    this.tableHash = (text) => fingerprint(text) | 0;
    this.smsSeen = new CallRegistry(this.tableHash);
    this.reference = reference;
    const s = pack.settings;
    this.callWatermark = new Watermark(s.allowedLatenessMs);
    this.smsWatermark = new Watermark(s.allowedLatenessMs);
    this.guard = new EventTimeGuard<ParkedRecord>(s.maxEventTimeJumpMs, s.allowedLatenessMs, (r, why) => this.dropReasons.set(r.event, why));
    this.alertBook = new AlertBook(s.escalateOnAgreement);
    this.victims = new VictimTracker({ minDurationMs: s.victimMinDurationMs, lookbackMs: s.victimLookbackMs, followMs: s.victimFollowMs, maxLoggedCalls: s.victimLogMaxCalls });
    this.buildRules(pack, new Map());
  }

  private buildRules(pack: RulePack, keep: Map<string, WindowRuleEvaluator>, keepOtp = new Map<string, OtpCorrelator>()): void {
    const ref = (): ReferenceData => this.reference;
    const lateness = pack.settings.allowedLatenessMs;
    // Everything is compiled before anything is replaced: a rule this build cannot run leaves the running pack whole.
    const evaluators = pack.rules
      .filter((r): r is WindowRule => r.type === 'window' && r.enabled)
      .map((r) => keep.get(JSON.stringify(r)) ?? new WindowRuleEvaluator(r, ref, lateness, pack.settings.evidenceSize, this.fingerprint));
    const otp = pack.rules
      .filter((r) => r.type === 'otp_after_call' && r.enabled)
      .map((r) => {
        if (r.type !== 'otp_after_call') unreachable('a rule that is neither window nor otp_after_call');
        return keepOtp.get(JSON.stringify(r)) ?? new OtpCorrelator(r, compileCondition(r.suspicious, ref), (t, e, ts) => this.victims.isFlagged(t, e, ts) || this.remoteFlags.isFlagged(t, e, ts), this.tableHash);
      });
    this.evaluators = evaluators;
    this.otp = otp;
    this.evaluatorsByRoute = new Map();
    for (const ev of this.evaluators) {
      const list = this.evaluatorsByRoute.get(ev.key.entityType) ?? [];
      list.push(ev);
      this.evaluatorsByRoute.set(ev.key.entityType, list);
    }
  }

  /**
   * Swaps the rule pack; rules whose definition is unchanged keep their window (or OTP) state, and
   * open alerts are kept so an ongoing incident is not alerted a second time.
   */
  replaceRulePack(pack: RulePack): void {
    const keep = new Map(this.evaluators.map((e) => [JSON.stringify(e.rule), e] as const));
    const keepOtp = new Map(this.otp.map((c) => [JSON.stringify(c.rule), c] as const));
    this.buildRules(pack, keep, keepOtp);
    if (pack.settings.escalateOnAgreement !== this.pack.settings.escalateOnAgreement) this.alertBook = new AlertBook(pack.settings.escalateOnAgreement);
    this.pack = pack;
    this.callWatermark.setLateness(pack.settings.allowedLatenessMs);
    this.smsWatermark.setLateness(pack.settings.allowedLatenessMs);
    this.guard.setMaxJump(pack.settings.maxEventTimeJumpMs, pack.settings.allowedLatenessMs);
  }

  setReference(reference: ReferenceData): void {
    this.reference = reference;
  }

  get rulePack(): RulePack {
    return this.pack;
  }

  /**
   * `source` names where the event was read (a Kafka partition), for per-source watermarks.
   * `route` (see detection-routes): the event was routed by that key, and only the state kept under
   * that key is this call's business here; without it, every rule runs.
   */
  processCall(e: CallEvent, out: EngineOutput, source?: string, route?: string): EventOutcome {
    if (this.callWatermark.isLate(e.ts)) {
      this.counters.late++;
      return 'late';
    }
    // A re-sent record is news about nothing: it must neither move event time nor, read from
    // another partition than the first copy, count as that partition moving on.
    const registry = this.registryFor(route);
    let slot = registry.slotOf(e.call_id);
    if (registry.seenAt(slot, e.type)) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    if (!this.guard.admit(e.ts, source)) {
      // A copy of a record already held does not vote for it.
      if (this.guard.isWaiting((r) => r.kind === 'call' && r.event.type === e.type && r.event.call_id === e.call_id && r.route === route)) {
        this.counters.duplicates++;
        return 'duplicate';
      }
      if (this.guard.farAhead(e.ts, { kind: 'call', event: e, source, route }, source) === 'park') {
        this.counters.future++;
        return 'future';
      }
      this.takeBackConfirmed(out);
      // Records taken back changed the registry: the slot is looked up again.
      slot = registry.slotOf(e.call_id);
    }
    const outcome = this.admitCall(e, out, source, route, slot);
    this.takeBackInReach(out);
    return outcome;
  }

  /** Event time caught up with records held as early: they are processed now, after the one that moved it. */
  private takeBackInReach(out: EngineOutput): void {
    if (this.guard.hasInReach) this.takeBack(this.guard.takeInReach(), out);
  }

  /**
   * A jump in event time confirmed by several records (a real gap in traffic): the parked records
   * that agree are processed now, in event-time order, before the record that confirmed them.
   */
  private takeBackConfirmed(out: EngineOutput): void {
    this.takeBack(this.guard.takeConfirmed(), out);
  }

  /**
   * The input ended (replay), or every source went quiet at its end (detector): records parked as
   * too far ahead that nothing admitted after them contradicts are processed after all (the last
   * calls of a file ending after a gap). Returns how many.
   */
  releaseQuietTail(out: EngineOutput): number {
    const before = this.counters.futureTakenBack;
    this.takeBack(this.guard.takeUncontradicted(), out);
    return this.counters.futureTakenBack - before;
  }

  private takeBack(records: ParkedRecord[], out: EngineOutput): void {
    for (const r of records) {
      // Held so long that it is behind the watermark now: dropped as late, counted, not silently.
      if ((r.kind === 'call' ? this.callWatermark : this.smsWatermark).isLate(r.event.ts)) {
        this.counters.late++;
        continue;
      }
      this.counters.futureTakenBack++;
      this.takenBack.add(r.event);
      if (r.kind === 'call') this.admitCall(r.event, out, r.source, r.route);
      else this.admitSms(r.event, out, r.source);
    }
  }

  /** The calls seen on a route (one instance may own several routes of a call: each is a sighting of its own). */
  private registryFor(route: string | undefined): CallRegistry {
    let registry = this.registries.get(route);
    if (!registry) this.registries.set(route, (registry = new CallRegistry(this.tableHash)));
    return registry;
  }

  /** `slot`: the call's slot in its route's registry, looked up with nothing changed since. */
  private admitCall(e: CallEvent, out: EngineOutput, source: string | undefined, route: string | undefined, slot?: number): EventOutcome {
    // Before this event moves it: windows keep what any event not yet late may need.
    const watermark = this.callWatermark.value;
    const registry = this.registryFor(route);
    if (!registry.firstSighting(e.call_id, e.type, e.ts, slot ?? registry.slotOf(e.call_id))) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    this.callWatermark.observe(e.ts, source);
    if (isAllowlisted(e, this.reference)) {
      this.counters.allowlisted++;
      return 'allowlisted';
    }
    this.counters.eventsAccepted++;
    const firings = this.firings;
    firings.length = 0;
    const evaluators = route === undefined ? this.evaluators : this.evaluatorsByRoute.get(route);
    if (evaluators) {
      for (const ev of evaluators) {
        const f = ev.onEvent(e, watermark);
        if (f) firings.push(f);
      }
    }
    const otp = route === undefined || route === CALLEE_ROUTE ? this.otp : NO_OTP;
    if (e.type === 'ANSWER') for (const c of otp) c.onCallConnected(e, e.ts, firings);
    if (e.type === 'END' && (e.duration_ms ?? 0) > 0) {
      for (const c of otp) c.onCallConnected(e, e.ts - (e.duration_ms ?? 0), firings);
      const before = out.victims.length;
      this.victims.onCallEnded(e, out.victims, route);
      this.counters.victimsEmitted += out.victims.length - before;
    }
    for (const f of firings) this.emit(f, out);
    this.maybeSweep();
    return 'accepted';
  }

  processSms(s: SmsEvent, out: EngineOutput, source?: string): EventOutcome {
    if (this.smsWatermark.isLate(s.ts)) {
      this.counters.late++;
      return 'late';
    }
    if (this.smsSeen.hasSeen(s.event_id, 'START')) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    if (!this.guard.admit(s.ts, source)) {
      if (this.guard.isWaiting((r) => r.kind === 'sms' && r.event.event_id === s.event_id)) {
        this.counters.duplicates++;
        return 'duplicate';
      }
      if (this.guard.farAhead(s.ts, { kind: 'sms', event: s, source }, source) === 'park') {
        this.counters.future++;
        return 'future';
      }
      this.takeBackConfirmed(out);
    }
    const outcome = this.admitSms(s, out, source);
    this.takeBackInReach(out);
    return outcome;
  }

  private admitSms(s: SmsEvent, out: EngineOutput, source: string | undefined): EventOutcome {
    if (!this.smsSeen.firstSighting(s.event_id, 'START', s.ts)) {
      this.counters.duplicates++;
      return 'duplicate';
    }
    this.smsWatermark.observe(s.ts, source);
    this.counters.eventsAccepted++;
    const firings: FiringHead[] = [];
    for (const c of this.otp) c.onSms(s, firings);
    for (const f of firings) this.emit(f, out);
    return 'accepted';
  }

  /**
   * Routed deployments: an alert produced by another instance (or this one) flags its origin for
   * the OTP correlation here, over the span a local flag would cover. Its victims were listed by
   * the instance holding the origin's state.
   */
  processRemoteAlert(a: Alert, out: EngineOutput): void {
    if (this.otp.length === 0) return;
    const rule = this.pack.rules.find((r) => r.id === a.rule_id);
    if (!rule || rule.type !== 'window' || !rule.enabled || !rule.victims) return;
    const s = this.pack.settings;
    this.remoteFlags.add(a.entity_type, a.entity, a.ts - s.victimLookbackMs, a.ts + s.victimFollowMs);
    const late: FiringHead[] = [];
    for (const c of this.otp) c.onOriginFlagged(a.entity_type, a.entity, late);
    for (const l of late) this.emit(l, out);
  }

  /** A source (partition) of the call or SMS stream reached its end, or fell behind again. */
  setSourceCaughtUp(stream: 'calls' | 'sms', source: string, caughtUp: boolean): void {
    (stream === 'calls' ? this.callWatermark : this.smsWatermark).setCaughtUp(source, caughtUp);
  }

  /** A newly assigned source: until it reports (or is declared caught up) nothing from other sources can make its events late. */
  addPendingSource(stream: 'calls' | 'sms', source: string): void {
    (stream === 'calls' ? this.callWatermark : this.smsWatermark).addPendingSource(source);
  }

  /** After a rebalance: sources not read any more stop holding the watermarks back. */
  retainSources(keep: (source: string) => boolean): void {
    this.callWatermark.retainSources(keep);
    this.smsWatermark.retainSources(keep);
  }

  private emit(head: FiringHead, out: EngineOutput): void {
    if (isEntityAllowlisted(head.entityType, head.entity, this.reference)) return;
    const { alerts, created } = this.alertBook.fire(head);
    if (alerts.length === 0) return;
    this.counters.alertsEmitted += alerts.length;
    for (const a of alerts) out.alerts.push(a);
    const f: Firing | undefined = created ? (head.complete ? head.complete() : (head as Firing)) : undefined;
    if (created && f?.victims) {
      const before = out.victims.length;
      this.victims.flag(created.alert_id, f.ts, f.victims.key, f.entity, f.victims.filter, out.victims);
      this.counters.victimsEmitted += out.victims.length - before;
      // OTPs read before this flag (the SMS stream ahead of the calls) may match its calls now.
      const late: FiringHead[] = [];
      for (const c of this.otp) c.onOriginFlagged(f.victims.key.entityType, f.entity, late);
      for (const l of late) this.emit(l, out);
    }
  }


  private maybeSweep(): void {
    const wm = this.callWatermark.value;
    if (!Number.isFinite(wm) || wm - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = wm;
    this.sweep(wm);
  }

  private sweep(watermark: number): void {
    this.sweepWindows(watermark);
    for (const registry of this.registries.values()) registry.sweep(watermark);
    this.victims.sweep(watermark);
    this.remoteFlags.sweep(watermark);
    this.alertBook.sweep(watermark);
    const smsWm = this.smsWatermark.value;
    if (watermark - this.lastOtpSweep >= OTP_SWEEP_EVERY_MS) {
      this.lastOtpSweep = watermark;
      for (const c of this.otp) c.sweep(watermark, smsWm);
    }
    this.smsSeen.sweep(smsWm);
  }

  /**
   * Frees the window state of keys whose windows can no longer change, at most WINDOW_SWEEP_BUDGET
   * keys visited in all, so the pause stays short; rules left with keys to visit go on a few per
   * event, and each sweep starts with the next rule (part of the periodic sweep; public for the benchmark).
   */
  sweepWindows(watermark: number): void {
    const evaluators = this.evaluators;
    const n = evaluators.length;
    let budget = WINDOW_SWEEP_BUDGET;
    for (let i = 0; i < n; i++) budget = evaluators[(this.sweepFirst + i) % n]!.sweep(watermark, budget);
    if (n > 0) this.sweepFirst = (this.sweepFirst + 1) % n;
  }

  /** What became of an event `processCall`/`processSms` answered `future` for. */
  futureStatus(e: CallEvent | SmsEvent): FutureStatus {
    if (this.takenBack.has(e)) return 'processed';
    return this.guard.isWaiting((r) => r.event === e) ? 'waiting' : 'parked';
  }

  /** The newest admitted event time, calls and SMS alike (−∞ before the first). */
  get eventTime(): number {
    return this.guard.eventTime;
  }

  /** Why a record `futureStatus` calls `parked` was given up (undefined if it never was). */
  futureDropReason(e: CallEvent | SmsEvent): string | undefined {
    return this.dropReasons.get(e);
  }

  /** Parked records processed after all (cheap, for per-batch metrics). */
  get futureTakenBack(): number {
    return this.counters.futureTakenBack;
  }

  stats(): EngineStats {
    const activeKeysByRule: Record<string, number> = {};
    for (const ev of this.evaluators) activeKeysByRule[ev.rule.id] = ev.activeKeys;
    return { ...this.counters, callWatermark: this.callWatermark.value, activeKeysByRule };
  }

  /** Estimated bytes of window state per rule (keys, buckets, distinct sets). */
  stateBytesByRule(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const ev of this.evaluators) out[ev.rule.id] = ev.stateBytes();
    return out;
  }

  get trackedCalls(): number {
    let n = 0;
    for (const registry of this.registries.values()) n += registry.size;
    return n;
  }
}
