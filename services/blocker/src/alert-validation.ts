import { PipelineError } from '@telfraud/common';
import { SEVERITIES, type Alert } from '@telfraud/core';

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const MAX_ID = 256;

/**
 * What the blocker needs of an alert (contract section 4) beyond what Avro already checked: ids
 * and the entity present and bounded, a plausible event time. A failure names the field.
 */
export function checkAlert(a: Alert): Alert {
  for (const key of ['alert_id', 'rule_id', 'entity_type', 'entity'] as const) {
    const v = a[key];
    if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID) {
      throw new PipelineError('CONTRACT_VIOLATION', `${key} must be a non-empty string of at most ${MAX_ID} characters`, { path: key });
    }
  }
  if (!(SEVERITIES as readonly string[]).includes(a.severity)) throw new PipelineError('CONTRACT_VIOLATION', `severity ${String(a.severity)} is unknown`, { path: 'severity' });
  if (!Number.isSafeInteger(a.ts) || a.ts < MIN_TS || a.ts > MAX_TS) throw new PipelineError('CONTRACT_VIOLATION', `ts ${a.ts} is not an epoch-ms time between 2000 and 2100`, { path: 'ts' });
  return a;
}
