import type { VictimExposure } from '../events.js';
import { checkE164, checkEpochMs, checkId, checkInt, isFields, violated, type Validated } from './field-checks.js';

/** The victims table stores the connected time as UInt32. */
const MAX_UINT32 = 4_294_967_295;

/** Contract section 5, beyond what the Avro schema can say; a passing record fits its ClickHouse columns. */
export function validateVictimExposure(input: unknown): Validated<VictimExposure> {
  if (!isFields(input)) return violated({ path: '', message: 'a victim exposure must be an object' });
  const o = input;
  const violation = checkE164(o, 'victim_number')
    ?? checkId(o, 'entity_type') ?? checkId(o, 'entity')
    ?? checkId(o, 'alert_id') ?? checkId(o, 'call_id')
    ?? checkEpochMs(o, 'ts')
    ?? checkInt(o, 'duration_ms', { min: 0, max: MAX_UINT32, outOfRange: 'not be negative nor above 2^32-1' });
  if (violation) return violated(violation);
  return { ok: true, value: o as unknown as VictimExposure };
}
