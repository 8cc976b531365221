/**
 * The one duration syntax of the project (rule packs, blocking policies, generator parameters):
 * a number with its unit, `250ms`, `90s`, `5m`, `1.5h`, `1d`. A bare number is deprecated: old
 * files keep working, read in the unit their document always used (milliseconds in rule packs
 * and policies, minutes in generator parameters), and the reader is told to add the unit.
 */
export const DURATION_UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

export interface DurationReading {
  ms: number;
  /** True when the value had no unit (a bare number, deprecated). */
  bare: boolean;
}

/** Reads a duration; a bare number (or numeric text) is read in `legacyUnit` and flagged `bare`. */
export function readDuration(value: unknown, legacyUnit: DurationUnit): DurationReading | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? { ms: value * DURATION_UNITS[legacyUnit], bare: true } : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const unit = (m[2] as DurationUnit | undefined) ?? legacyUnit;
  return { ms: Math.round(Number(m[1]) * DURATION_UNITS[unit]), bare: m[2] === undefined };
}

/** Rule-pack and policy durations: a bare number means milliseconds (deprecated). */
export function parseDuration(value: unknown): number | undefined {
  return readDuration(value, 'ms')?.ms;
}

/** The deprecation notice for a bare number, naming the key and the spelling to use instead. */
export function bareDurationNotice(key: string, value: unknown, legacyUnit: DurationUnit): string {
  const n = String(value).trim();
  return `${key}: the duration ${JSON.stringify(value)} has no unit and is read as ${n}${legacyUnit}; write "${n}${legacyUnit}" (a bare number is deprecated)`;
}
