import {
  ATTESTATIONS, CALL_EVENT_TYPES, SMS_CATEGORIES,
  type CallEvent, type SmsEvent,
} from './events.js';

/** Why a record breaks the contract, with the offending field's path (for dead-letter reasons). */
export interface ContractViolation {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; violation: ContractViolation };

const E164 = /^\+[1-9]\d{5,14}$/;
const COUNTRY = /^[A-Z]{2}$/;
// Events more than a day ahead of 2100 or before 2000 are corrupt, not late.
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const MAX_ID = 256;

function fail<T>(path: string, message: string): Validated<T> {
  return { ok: false, violation: { path, message } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkId(obj: Record<string, unknown>, key: string): ContractViolation | undefined {
  const v = obj[key];
  if (typeof v !== 'string' || v.length === 0) return { path: key, message: `${key} must be a non-empty string` };
  if (v.length > MAX_ID) return { path: key, message: `${key} is longer than ${MAX_ID} characters` };
  return undefined;
}

function checkTs(v: unknown): ContractViolation | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v)) return { path: 'ts', message: 'ts must be an integer epoch-ms' };
  if (v < MIN_TS || v > MAX_TS) return { path: 'ts', message: `ts ${v} is outside 2000..2100` };
  return undefined;
}

function optionalInt(obj: Record<string, unknown>, key: string): number | null | ContractViolation {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) return { path: key, message: `${key} must be an integer or null` };
  return v;
}

/**
 * Checks a decoded (Avro or JSON) object against contract section 1, beyond what the schema can say:
 * E.164 numbers, known enums, non-negative durations, END-only fields.
 */
export function validateCallEvent(input: unknown): Validated<CallEvent> {
  if (!isRecord(input)) return fail('', 'a call event must be an object');
  for (const key of ['event_id', 'call_id', 'ingress_trunk'] as const) {
    const v = checkId(input, key);
    if (v) return { ok: false, violation: v };
  }
  const type = input['type'];
  if (typeof type !== 'string' || !(CALL_EVENT_TYPES as readonly string[]).includes(type)) return fail('type', `type must be one of ${CALL_EVENT_TYPES.join(', ')}`);
  const ts = checkTs(input['ts']);
  if (ts) return { ok: false, violation: ts };
  for (const key of ['calling_number', 'called_number'] as const) {
    const v = input[key];
    if (typeof v !== 'string' || !E164.test(v)) return fail(key, `${key} must be E.164 with a leading +`);
  }
  const country = input['ingress_country'];
  if (typeof country !== 'string' || !COUNTRY.test(country)) return fail('ingress_country', 'ingress_country must be ISO 3166-1 alpha-2 (two capitals)');
  const att = input['attestation'];
  if (typeof att !== 'string' || !(ATTESTATIONS as readonly string[]).includes(att)) return fail('attestation', `attestation must be one of ${ATTESTATIONS.join(', ')}`);
  const duration = optionalInt(input, 'duration_ms');
  if (typeof duration === 'object' && duration !== null) return { ok: false, violation: duration };
  if (duration !== null && duration < 0) return fail('duration_ms', 'duration_ms must not be negative');
  const sip = optionalInt(input, 'sip_code');
  if (typeof sip === 'object' && sip !== null) return { ok: false, violation: sip };
  if (sip !== null && (sip < 100 || sip > 699)) return fail('sip_code', 'sip_code must be a SIP status (100..699)');
  // Valid: the input itself becomes the event (no copy on the hot path); absent optionals become null.
  input['duration_ms'] = duration;
  input['sip_code'] = sip;
  return { ok: true, value: input as unknown as CallEvent };
}

/** Checks an SMS event against contract section 2. */
export function validateSmsEvent(input: unknown): Validated<SmsEvent> {
  if (!isRecord(input)) return fail('', 'an SMS event must be an object');
  const id = checkId(input, 'event_id');
  if (id) return { ok: false, violation: id };
  const ts = checkTs(input['ts']);
  if (ts) return { ok: false, violation: ts };
  const sender = input['sender'];
  if (typeof sender !== 'string' || sender.length === 0 || sender.length > 64) return fail('sender', 'sender must be a non-empty string of at most 64 characters');
  const recipient = input['recipient_number'];
  if (typeof recipient !== 'string' || !E164.test(recipient)) return fail('recipient_number', 'recipient_number must be E.164 with a leading +');
  const category = input['category'];
  if (typeof category !== 'string' || !(SMS_CATEGORIES as readonly string[]).includes(category)) return fail('category', `category must be one of ${SMS_CATEGORIES.join(', ')}`);
  return {
    ok: true,
    value: { event_id: input['event_id'] as string, ts: input['ts'] as number, sender, recipient_number: recipient, category: category as SmsEvent['category'] },
  };
}
