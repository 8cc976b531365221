/**
 * The field rules every record of the contract (docs/contract.md) is held to, written once: the
 * event, alert and victim-exposure validators chain these with `??`, so the first field in the
 * chain that breaks its rule is the reason (and nothing is allocated on the hot path). Each check
 * returns the violation naming the field, or undefined.
 */

/** Why a record breaks the contract, with the offending field's path (for dead-letter reasons). */
export interface ContractViolation {
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; violation: ContractViolation };

export type FieldCheck = ContractViolation | undefined;

export type Fields = Record<string, unknown>;

/** Ids, entities and names: what a ClickHouse String column and a log line can carry. */
export const MAX_ID = 256;
export const MAX_TEXT = 4096;
const E164 = /^\+[1-9]\d{5,14}$/;
const COUNTRY = /^[A-Z]{2}$/;
// Times before 2000 or after 2100 are corrupt, not late.
const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

export function isFields(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function violated<T>(violation: ContractViolation): Validated<T> {
  return { ok: false, violation };
}

/** A non-empty string of at most `max` characters (an id, an entity, a name). */
export function checkId(o: Fields, key: string, max = MAX_ID): FieldCheck {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) return { path: key, message: `${key} must be a non-empty string` };
  if (v.length > max) return { path: key, message: `${key} is longer than ${max} characters` };
  return undefined;
}

/** A string, possibly empty, of at most `max` characters (free text). */
export function checkText(o: Fields, key: string, max: number): FieldCheck {
  const v = o[key];
  if (typeof v !== 'string') return { path: key, message: `${key} must be a string` };
  if (v.length > max) return { path: key, message: `${key} is longer than ${max} characters` };
  return undefined;
}

/** An integer epoch-ms time between 2000 and 2100. */
export function checkEpochMs(o: Fields, key: string): FieldCheck {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return { path: key, message: `${key} must be an integer epoch-ms` };
  if (v < MIN_TS || v > MAX_TS) return { path: key, message: `${key} ${v} is outside 2000..2100` };
  return undefined;
}

/** A phone number in E.164 form with its leading `+`. */
export function checkE164(o: Fields, key: string): FieldCheck {
  const v = o[key];
  return typeof v === 'string' && E164.test(v) ? undefined : { path: key, message: `${key} must be E.164 with a leading +` };
}

/** An ISO 3166-1 alpha-2 country code. */
export function checkCountry(o: Fields, key: string): FieldCheck {
  const v = o[key];
  return typeof v === 'string' && COUNTRY.test(v) ? undefined : { path: key, message: `${key} must be ISO 3166-1 alpha-2 (two capitals)` };
}

/** One of an enum's symbols. */
export function checkEnum(o: Fields, key: string, symbols: readonly string[]): FieldCheck {
  const v = o[key];
  return typeof v === 'string' && symbols.includes(v) ? undefined : { path: key, message: `${key} must be one of ${symbols.join(', ')}` };
}

/** A finite number (NaN and infinities cannot be stored or compared). */
export function checkFinite(o: Fields, key: string): FieldCheck {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? undefined : { path: key, message: `${key} must be a finite number` };
}

/**
 * An integer within `min..max`, or (with `nullable`) null or absent. `outOfRange` ends the message
 * for a value outside the range ("must ...").
 */
export function checkInt(o: Fields, key: string, range: { min: number; max: number; nullable?: boolean; outOfRange: string }): FieldCheck {
  const v = o[key];
  if (range.nullable && (v === undefined || v === null)) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return { path: key, message: `${key} must be an integer${range.nullable ? ' or null' : ''}` };
  if (v < range.min || v > range.max) return { path: key, message: `${key} must ${range.outOfRange}` };
  return undefined;
}

/** An array of at most `max` ids; the path names the first bad item. */
export function checkIdList(o: Fields, key: string, max: number, what: string): FieldCheck {
  const v = o[key];
  if (!Array.isArray(v)) return { path: key, message: `${key} must be an array of ${what}` };
  if (v.length > max) return { path: key, message: `${key} has ${v.length} items, more than ${max}` };
  const bad = v.findIndex((item) => typeof item !== 'string' || item.length === 0 || item.length > MAX_ID);
  return bad === -1 ? undefined : { path: `${key}.${bad}`, message: `${key} items must be non-empty ${what}` };
}
