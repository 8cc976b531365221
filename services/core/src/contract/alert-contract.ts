import { SEVERITIES, type Alert } from '../events.js';
import {
  MAX_TEXT, checkEnum, checkEpochMs, checkFinite, checkId, checkIdList, checkText, isFields, violated,
  type Validated,
} from './field-checks.js';

/** A bounded sample: what the alerts table and a webhook body can carry. */
const MAX_EVIDENCE = 1000;

/**
 * Contract section 4, beyond what the Avro schema can say. An alert that passes fits its ClickHouse
 * columns (UInt64, finite Float64), so it cannot poison an INSERT, and names what a blocker acts on.
 */
export function validateAlert(input: unknown): Validated<Alert> {
  if (!isFields(input)) return violated({ path: '', message: 'an alert must be an object' });
  const o = input;
  const violation = checkId(o, 'alert_id') ?? checkId(o, 'rule_id')
    ?? checkEnum(o, 'severity', SEVERITIES)
    ?? checkId(o, 'entity_type') ?? checkId(o, 'entity')
    ?? checkEpochMs(o, 'window_start') ?? checkEpochMs(o, 'window_end')
    ?? ((o['window_start'] as number) <= (o['window_end'] as number) ? undefined : { path: 'window_end', message: 'window_end must not be before window_start' })
    ?? checkEpochMs(o, 'ts')
    ?? checkFinite(o, 'value') ?? checkFinite(o, 'threshold')
    ?? checkText(o, 'summary', MAX_TEXT)
    ?? checkIdList(o, 'evidence', MAX_EVIDENCE, 'call_ids');
  if (violation) return violated(violation);
  return { ok: true, value: o as unknown as Alert };
}
