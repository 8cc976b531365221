import type { CallEvent } from '../events.js';

/** Contract section 3: the carrier's reference data, already parsed. Every part optional. */
export interface NetworkProfile {
  homeCountry: string;
  homePrefixes: string[];
  roamingPrefixes: string[];
}

export interface ReferenceData {
  /** Do-Not-Originate numbers → owner. */
  dno: ReadonlyMap<string, string>;
  /** entity_type (a call-event field) → allowlisted values. */
  allowlist: ReadonlyMap<string, ReadonlySet<string>>;
  network: NetworkProfile | undefined;
}

export const EMPTY_REFERENCE: ReferenceData = { dno: new Map(), allowlist: new Map(), network: undefined };

export function isDnoCall(event: CallEvent, ref: ReferenceData): boolean {
  return ref.dno.has(event.calling_number);
}

/**
 * A call entering from abroad that presents a home-country number is spoofed, unless the number
 * is a home mobile (roaming prefix): UK operators must block these (domain.md).
 */
export function isHomeCliFromAbroad(event: CallEvent, ref: ReferenceData): boolean {
  const net = ref.network;
  if (!net || event.ingress_country === net.homeCountry) return false;
  const cli = event.calling_number;
  if (!net.homePrefixes.some((p) => cli.startsWith(p))) return false;
  return !net.roamingPrefixes.some((p) => cli.startsWith(p));
}

export function isAllowlisted(event: CallEvent, ref: ReferenceData): boolean {
  if (ref.allowlist.size === 0) return false;
  for (const [field, values] of ref.allowlist) {
    const v = (event as unknown as Record<string, unknown>)[field];
    if (typeof v === 'string' && values.has(v)) return true;
  }
  return false;
}

export function isEntityAllowlisted(entityType: string, entity: string, ref: ReferenceData): boolean {
  return ref.allowlist.get(entityType)?.has(entity) ?? false;
}
