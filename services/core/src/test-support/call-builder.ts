/**
 * Test-only builders for call and SMS event sequences. A call is START, an optional ANSWER and an
 * END carrying the connected time, all with deterministic ids derived from the call id.
 */
import type { Attestation, CallEvent, SmsCategory, SmsEvent } from '../events.js';
import type { DetectionEngine, EngineOutput, EventOutcome } from '../engine/detection-engine.js';

export const SEC = 1_000;
export const MIN = 60_000;
/** Monday 2025-03-03 09:00:00 UTC: aligned to the hour, so to every hop and cooldown used in tests. */
export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

export interface CallInput {
  id: string;
  /** START time. */
  at: number;
  from?: string;
  to?: string;
  trunk?: string;
  country?: string;
  attestation?: Attestation;
  /** Ringing time: START→ANSWER when answered, START→END otherwise. */
  ringMs?: number;
  /** Connected time; 0 (default) = never answered. */
  talkMs?: number;
  /** Emit the ANSWER event of an answered call (default true). */
  answerEvent?: boolean;
}

/** A distinct UK mobile callee per index (Ofcom drama range). */
export const callee = (i: number): string => `+4477009${String(i).padStart(5, '0')}`;

/** The events of one call, in event-time order. */
export function callEvents(c: CallInput): CallEvent[] {
  const ring = c.ringMs ?? 5 * SEC;
  const talk = c.talkMs ?? 0;
  const base = {
    call_id: c.id,
    calling_number: c.from ?? '+442071234567',
    called_number: c.to ?? callee(0),
    ingress_trunk: c.trunk ?? 'trunk-a',
    ingress_country: c.country ?? 'GB',
    attestation: c.attestation ?? 'NONE',
  };
  const out: CallEvent[] = [{ ...base, event_id: `${c.id}/start`, type: 'START', ts: c.at, duration_ms: null, sip_code: null }];
  if (talk > 0) {
    const answered = c.at + ring;
    if (c.answerEvent !== false) out.push({ ...base, event_id: `${c.id}/answer`, type: 'ANSWER', ts: answered, duration_ms: null, sip_code: null });
    out.push({ ...base, event_id: `${c.id}/end`, type: 'END', ts: answered + talk, duration_ms: talk, sip_code: 200 });
  } else {
    out.push({ ...base, event_id: `${c.id}/end`, type: 'END', ts: c.at + ring, duration_ms: 0, sip_code: 487 });
  }
  return out;
}

/** One bare event (defaults: a START on trunk-a), for tests of a single moment. */
export function callEvent(p: Partial<CallEvent> = {}): CallEvent {
  return {
    event_id: p.event_id ?? `${p.call_id ?? 'c'}/${p.type ?? 'START'}`,
    call_id: 'c', type: 'START', ts: T0,
    calling_number: '+442071234567', called_number: callee(0),
    ingress_trunk: 'trunk-a', ingress_country: 'GB', attestation: 'NONE',
    duration_ms: null, sip_code: null,
    ...p,
  };
}

export interface BurstInput extends Omit<CallInput, 'id' | 'at' | 'from' | 'to'> {
  /** Call ids are `${prefix}-${i}`. */
  prefix: string;
  start: number;
  count: number;
  perMinute: number;
  from?: string | ((i: number) => string);
  to?: (i: number) => string;
  /** Share of calls answered (spread evenly, deterministic); answered calls talk for `talkMs`. */
  answerRate?: number;
}

/** N calls from one origin at a steady rate. */
export function burst(b: BurstInput): CallInput[] {
  const rate = b.answerRate ?? 0;
  const answered = (i: number): boolean => Math.floor((i + 1) * rate + 1e-9) > Math.floor(i * rate + 1e-9);
  const { prefix: _p, start: _s, count: _c, perMinute: _r, answerRate: _a, from, to, ...rest } = b;
  const out: CallInput[] = [];
  for (let i = 0; i < b.count; i++) {
    out.push({
      ...rest,
      id: `${b.prefix}-${i}`,
      at: b.start + Math.round((i * MIN) / b.perMinute),
      from: typeof from === 'function' ? from(i) : from,
      to: to ? to(i) : callee(i),
      talkMs: answered(i) ? (b.talkMs ?? 90 * SEC) : 0,
    });
  }
  return out;
}

export function smsEvent(p: Partial<SmsEvent> & { ts: number }): SmsEvent {
  return { event_id: `sms-${p.ts}`, sender: 'MyBank', recipient_number: callee(0), category: 'OTP' as SmsCategory, ...p };
}

export type Item = CallEvent | SmsEvent;
const isSms = (x: Item): x is SmsEvent => 'recipient_number' in x;

/** Every event of the calls plus the SMS, ordered by event time (stable). */
export function timeline(calls: CallInput[], sms: SmsEvent[] = []): Item[] {
  const items: Item[] = [...calls.flatMap(callEvents), ...sms];
  return items.map((x, i) => [x, i] as const).sort((a, b) => a[0].ts - b[0].ts || a[1] - b[1]).map(([x]) => x);
}

export interface RunResult extends EngineOutput {
  outcomes: EventOutcome[];
}

/** Feeds items in the given order; collects every alert, victim and per-event outcome. */
export function run(engine: DetectionEngine, items: Item[], into?: RunResult): RunResult {
  const out: RunResult = into ?? { alerts: [], victims: [], outcomes: [] };
  for (const x of items) out.outcomes.push(isSms(x) ? engine.processSms(x, out) : engine.processCall(x, out));
  return out;
}
