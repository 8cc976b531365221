import { SEVERITIES, type Alert, type ContractViolation, type Validated, type VictimExposure } from '@telfraud/core';

/**
 * Contract sections 4 and 5, beyond what the Avro schema can say. A record that passes here
 * fits its ClickHouse columns (UInt64, UInt32, finite Float64), so it cannot poison an INSERT.
 */
const E164 = /^\+[1-9]\d{5,14}$/;
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const MAX_ID = 256;
const MAX_TEXT = 4096;
const MAX_EVIDENCE = 1000;
const MAX_UINT32 = 4_294_967_295;

type Check = ContractViolation | undefined;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(obj: Record<string, unknown>, key: string, max: number, allowEmpty = false): Check {
  const v = obj[key];
  if (typeof v !== 'string') return { path: key, message: `${key} must be a string` };
  if (!allowEmpty && v.length === 0) return { path: key, message: `${key} must not be empty` };
  if (v.length > max) return { path: key, message: `${key} is longer than ${max} characters` };
  return undefined;
}

function epochMs(obj: Record<string, unknown>, key: string): Check {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return { path: key, message: `${key} must be an integer epoch-ms` };
  if (v < MIN_TS || v > MAX_TS) return { path: key, message: `${key} ${v} is outside 2000..2100` };
  return undefined;
}

function finite(obj: Record<string, unknown>, key: string): Check {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? undefined : { path: key, message: `${key} must be a finite number` };
}

function evidence(v: unknown): Check {
  if (!Array.isArray(v)) return { path: 'evidence', message: 'evidence must be an array of call_ids' };
  if (v.length > MAX_EVIDENCE) return { path: 'evidence', message: `evidence has ${v.length} items, more than ${MAX_EVIDENCE}` };
  const bad = v.findIndex((item) => typeof item !== 'string' || item.length === 0 || item.length > MAX_ID);
  return bad === -1 ? undefined : { path: `evidence.${bad}`, message: 'evidence items must be non-empty call_ids' };
}

function first(checks: (() => Check)[]): Check {
  for (const check of checks) {
    const v = check();
    if (v) return v;
  }
  return undefined;
}

export function validateAlert(input: unknown): Validated<Alert> {
  if (!isRecord(input)) return { ok: false, violation: { path: '', message: 'an alert must be an object' } };
  const o = input;
  const violation = first([
    () => text(o, 'alert_id', MAX_ID),
    () => text(o, 'rule_id', MAX_ID),
    () => (typeof o['severity'] === 'string' && (SEVERITIES as readonly string[]).includes(o['severity'])
      ? undefined : { path: 'severity', message: `severity must be one of ${SEVERITIES.join(', ')}` }),
    () => text(o, 'entity_type', MAX_ID),
    () => text(o, 'entity', MAX_ID),
    () => epochMs(o, 'window_start'),
    () => epochMs(o, 'window_end'),
    () => ((o['window_start'] as number) <= (o['window_end'] as number)
      ? undefined : { path: 'window_end', message: 'window_end must not be before window_start' }),
    () => epochMs(o, 'ts'),
    () => finite(o, 'value'),
    () => finite(o, 'threshold'),
    () => text(o, 'summary', MAX_TEXT, true),
    () => evidence(o['evidence']),
  ]);
  if (violation) return { ok: false, violation };
  return { ok: true, value: o as unknown as Alert };
}

export function validateVictimExposure(input: unknown): Validated<VictimExposure> {
  if (!isRecord(input)) return { ok: false, violation: { path: '', message: 'a victim exposure must be an object' } };
  const o = input;
  const violation = first([
    () => (typeof o['victim_number'] === 'string' && E164.test(o['victim_number'])
      ? undefined : { path: 'victim_number', message: 'victim_number must be E.164 with a leading +' }),
    () => text(o, 'entity_type', MAX_ID),
    () => text(o, 'entity', MAX_ID),
    () => text(o, 'alert_id', MAX_ID),
    () => text(o, 'call_id', MAX_ID),
    () => epochMs(o, 'ts'),
    () => {
      const d = o['duration_ms'];
      return typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= MAX_UINT32
        ? undefined : { path: 'duration_ms', message: 'duration_ms must be a non-negative integer' };
    },
  ]);
  if (violation) return { ok: false, violation };
  return { ok: true, value: o as unknown as VictimExposure };
}
