import type avro from 'avsc';

/** Confluent's compatibility levels; the registry's global default is BACKWARD. */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** Accepts any letter case, as Confluent does; answers the canonical upper-case name. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.toUpperCase();
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : undefined;
}

/** Why `reader` cannot read data written with `writer`, or undefined when it can (Avro schema resolution). */
export function readProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

interface Direction {
  backward: boolean;
  forward: boolean;
  transitive: boolean;
}

const DIRECTIONS: Record<CompatibilityLevel, Direction> = {
  NONE: { backward: false, forward: false, transitive: false },
  BACKWARD: { backward: true, forward: false, transitive: false },
  BACKWARD_TRANSITIVE: { backward: true, forward: false, transitive: true },
  FORWARD: { backward: false, forward: true, transitive: false },
  FORWARD_TRANSITIVE: { backward: false, forward: true, transitive: true },
  FULL: { backward: true, forward: true, transitive: false },
  FULL_TRANSITIVE: { backward: true, forward: true, transitive: true },
};

export interface VersionedType {
  version: number;
  type: avro.Type;
}

/**
 * Checks `candidate` against the subject's live versions (oldest first) under `level`:
 * BACKWARD means the candidate reads data written with the old schema, FORWARD that the old
 * schema reads data written with the candidate, FULL both; non-transitive levels look at the
 * latest version only. Returns one message per failure; empty means compatible.
 */
export function compatibilityProblems(level: CompatibilityLevel, candidate: avro.Type, existing: readonly VersionedType[]): string[] {
  const direction = DIRECTIONS[level];
  const latest = existing[existing.length - 1];
  const against = direction.transitive ? existing : latest ? [latest] : [];
  const problems: string[] = [];
  for (const old of against) {
    if (direction.backward) {
      const problem = readProblem(candidate, old.type);
      if (problem) problems.push(`${level}: the new schema cannot read data written with version ${old.version}: ${problem}`);
    }
    if (direction.forward) {
      const problem = readProblem(old.type, candidate);
      if (problem) problems.push(`${level}: version ${old.version} cannot read data written with the new schema: ${problem}`);
    }
  }
  return problems;
}
