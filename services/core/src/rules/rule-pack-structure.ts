import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { RULE_PACK_REFERENCES, type ProblemWording } from './rule-pack-declaration.js';

/** A problem with the shape of a pack, at a field path (`rules[2].window.size`). */
export interface StructureProblem {
  /** JSON pointer segments of the field. */
  at: string[];
  message: string;
}

type Node = TSchema & ProblemWording & {
  properties?: Record<string, TSchema>; anyOf?: TSchema[]; patternProperties?: unknown; $id?: string; const?: unknown;
};

const CONDITION_ID = '#condition';

export const showValue = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function schemaKinds(s: Node): string[] {
  const t = (s as { type?: string | string[] }).type;
  if (s.anyOf) return s.anyOf.flatMap((x) => schemaKinds(x as Node));
  if (typeof t === 'string') return t === 'integer' ? ['number'] : [t];
  if ('const' in s) return [kindOf(s.const)];
  return [];
}

/** Constant properties (`fn`, `type`) an object variant of a union is told apart by. */
function constants(s: Node): [key: string, value: unknown, required: boolean][] {
  const required = new Set((s as { required?: string[] }).required ?? []);
  return Object.entries(s.properties ?? {}).filter(([, p]) => 'const' in p).map(([k, p]) => [k, (p as Node).const, required.has(k)]);
}

function wordedMessage(s: Node, value: unknown, fallback: string): string {
  const text = s.problem ?? fallback;
  return s.showValue ? `${text}, got ${showValue(value)}` : text;
}

/**
 * Every problem of `value` against `schema`, in the declaration's words. A union is not reported as
 * "no branch matched": the branch the value means (by its kind, then by its `fn` or `type`) is checked
 * instead, so the problem names the field. Conditions are left to the validator, whose words depend
 * on the field compared (a number field compared with text, `prefix` on a number).
 */
function problemsOf(schema: Node, value: unknown, at: string[], inherited: Node | undefined, out: StructureProblems): void {
  for (const e of Value.Errors(schema, RULE_PACK_REFERENCES, value)) {
    if (out.length >= out.limit) return;
    const path = [...at, ...e.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))];
    report(e, path, e.path === '' ? inherited : undefined, out);
  }
}

function report(e: ValueError, path: string[], inherited: Node | undefined, out: StructureProblems): void {
  const s = e.schema as Node;
  if (s.$id === CONDITION_ID || (s as { $ref?: string }).$ref === CONDITION_ID) return;
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      out.push({ at: path, message: s.patternProperties ? 'is not a name of letters, digits and _ (at most 64)' : `is not a known field (${Object.keys(s.properties ?? {}).join(', ')})` });
      return;
    case ValueErrorType.ObjectRequiredProperty:
      // `s` is the missing property's schema; a missing condition is the validator's to report.
      if (s.$ref === CONDITION_ID) return;
      out.push({ at: path, message: wordedMessage(s, undefined, 'is required') });
      return;
    case ValueErrorType.Union:
      union(s, e.value, path, out);
      return;
    default: {
      const owner = s.problem === undefined && inherited ? inherited : s;
      out.push({ at: path, message: wordedMessage(owner, e.value, `must be valid: ${e.message}`) });
    }
  }
}

function union(s: Node, value: unknown, path: string[], out: StructureProblems): void {
  const variants = (s.anyOf ?? []) as Node[];
  const kind = kindOf(value);
  let candidates = variants.filter((v) => schemaKinds(v).includes(kind));
  if (kind === 'object' && candidates.length > 1) {
    const keyed = candidates.filter((v) => constants(v).length > 0);
    const fields = value as Record<string, unknown>;
    const matching = keyed.filter((v) => constants(v).every(([k, c, required]) => fields[k] === c || (!required && fields[k] === undefined)));
    if (keyed.length === candidates.length && matching.length === 0) {
      const [key] = constants(keyed[0]!)[0]!;
      const allowed = keyed.map((v) => String(constants(v).find(([k]) => k === key)?.[1]));
      out.push({ at: [...path, key], message: `must be one of ${allowed.join(', ')}` });
      return;
    }
    candidates = matching;
  }
  if (candidates.length !== 1) {
    out.push({ at: path, message: wordedMessage(s, value, 'does not match the declaration') });
    return;
  }
  problemsOf(candidates[0]!, value, path, s, out);
}

/** Problems found so far, and how many are worth finding (a pack of 100,000 bad rules stops early). */
type StructureProblems = StructureProblem[] & { limit: number };

/** The structural problems of a raw pack against `RulePackDocument` (empty when its shape is right), at most `limit`. */
export function structureProblems(schema: TSchema, raw: unknown, limit = Number.POSITIVE_INFINITY): StructureProblem[] {
  const out: StructureProblems = Object.assign([], { limit });
  problemsOf(schema as Node, raw, [], undefined, out);
  // One problem per field: a missing field is also reported as a bad value.
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = JSON.stringify(p.at);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
