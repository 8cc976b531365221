import {
  ATTESTATIONS, CALL_EVENT_TYPES, SMS_CATEGORIES,
  type CallEvent, type SmsEvent,
} from '../events.js';
import {
  checkCountry, checkE164, checkEnum, checkEpochMs, checkId, checkInt, isFields, violated,
  type Validated,
} from './field-checks.js';

const MAX_SENDER = 64;

/**
 * Checks a decoded (Avro or JSON) object against contract section 1, beyond what the schema can say:
 * E.164 numbers, known enums, non-negative durations, END-only fields.
 */
export function validateCallEvent(input: unknown): Validated<CallEvent> {
  if (!isFields(input)) return violated({ path: '', message: 'a call event must be an object' });
  const violation = checkId(input, 'event_id') ?? checkId(input, 'call_id') ?? checkId(input, 'ingress_trunk')
    ?? checkEnum(input, 'type', CALL_EVENT_TYPES)
    ?? checkEpochMs(input, 'ts')
    ?? checkE164(input, 'calling_number') ?? checkE164(input, 'called_number')
    ?? checkCountry(input, 'ingress_country')
    ?? checkEnum(input, 'attestation', ATTESTATIONS)
    ?? checkInt(input, 'duration_ms', { min: 0, max: Number.POSITIVE_INFINITY, nullable: true, outOfRange: 'not be negative' })
    ?? checkInt(input, 'sip_code', { min: 100, max: 699, nullable: true, outOfRange: 'be a SIP status (100..699)' });
  if (violation) return violated(violation);
  // Valid: the input itself becomes the event (no copy on the hot path); absent optionals become null.
  input['duration_ms'] ??= null;
  input['sip_code'] ??= null;
  return { ok: true, value: input as unknown as CallEvent };
}

/** Checks an SMS event against contract section 2. */
export function validateSmsEvent(input: unknown): Validated<SmsEvent> {
  if (!isFields(input)) return violated({ path: '', message: 'an SMS event must be an object' });
  const violation = checkId(input, 'event_id')
    ?? checkEpochMs(input, 'ts')
    ?? checkId(input, 'sender', MAX_SENDER)
    ?? checkE164(input, 'recipient_number')
    ?? checkEnum(input, 'category', SMS_CATEGORIES);
  if (violation) return violated(violation);
  return {
    ok: true,
    value: {
      event_id: input['event_id'] as string, ts: input['ts'] as number, sender: input['sender'] as string,
      recipient_number: input['recipient_number'] as string, category: input['category'] as SmsEvent['category'],
    },
  };
}
