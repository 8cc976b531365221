import { SEVERITIES, STATUSES, type Severity, type TriageStatus } from '../store/alert-rows.js';
import { badParameter } from './api-error.js';
import { decodeCursor, type AlertCursor } from './cursor.js';

/** The alert queue's filters, validated: enums are checked, free text is kept as given (it reaches SQL quoted). */
export interface AlertFilters {
  rules: string[];
  severities: Severity[];
  statuses: TriageStatus[];
  entity: string | undefined;
  entityType: string | undefined;
  from: number | undefined;
  to: number | undefined;
  limit: number;
  cursor: AlertCursor | undefined;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const MAX_TEXT = 256;
const MAX_VALUES = 50;

/** `a,b` and repeated `?x=a&x=b` both give [a, b]; empty items are dropped. */
function many(query: URLSearchParams, name: string): string[] {
  const values = query.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (values.length > MAX_VALUES) throw badParameter(name, `at most ${MAX_VALUES} values`);
  for (const v of values) if (v.length > MAX_TEXT) throw badParameter(name, `values of at most ${MAX_TEXT} characters`);
  return [...new Set(values)];
}

function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T[] {
  const values = many(query, name);
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw badParameter(name, `one or more of ${allowed.join(', ')}`);
  return values as T[];
}

export function textParam(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw badParameter(name, 'a single value');
  const v = all[0];
  if (v === undefined || v === '') return undefined;
  if (v.length > MAX_TEXT) throw badParameter(name, `at most ${MAX_TEXT} characters`);
  return v;
}

/** An integer parameter in [min, max]; digits only (no exponents, no signs beyond a leading minus). */
export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = textParam(query, name);
  if (v === undefined) return undefined;
  const n = /^-?\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw badParameter(name, `an integer from ${min} to ${max}`);
  return n;
}

export const MAX_MS = 8_640_000_000_000_000;

export function parseAlertFilters(query: URLSearchParams): AlertFilters {
  const from = intParam(query, 'from', 0, MAX_MS);
  const to = intParam(query, 'to', 0, MAX_MS);
  if (from !== undefined && to !== undefined && to < from) throw badParameter('to', 'a time not before from');
  const cursorText = textParam(query, 'cursor');
  return {
    rules: many(query, 'rule'),
    severities: oneOf(query, 'severity', SEVERITIES),
    statuses: oneOf(query, 'status', STATUSES),
    entity: textParam(query, 'entity'),
    entityType: textParam(query, 'entity_type'),
    from, to,
    limit: intParam(query, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    cursor: cursorText === undefined ? undefined : decodeCursor(cursorText),
  };
}
