import { Type, type SchemaOptions, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * The one schema toolkit for documents read at start-up (service configuration, rule packs,
 * blocking policies): a document is declared once with TypeBox, which gives its TypeScript type
 * (`Static<typeof Schema>`), its published JSON Schema (`jsonSchemaText`) and, compiled by ajv, its
 * validator. Problems name the field by path (`rules[2].actions.HIGH`), so an operator can find it.
 */

/**
 * Annotation keywords of our own (ajv is strict: unknown keywords are refused): `expected` is the
 * wording of a problem at this node ("a duration such as ..."); `unknownKey` is the wording for a
 * property this object does not allow, when "unknown field" is not the helpful thing to say.
 */
export interface ProblemWording {
  expected?: string;
  unknownKey?: string;
}

export type ProblemKind = 'unknown-key' | 'missing' | 'invalid';

export interface SchemaProblem {
  kind: ProblemKind;
  /** The field the problem is in, as `a.b[2].c` ('' for the document itself). */
  path: string;
  /** The object holding `path` ('' at the top), for problems about one of its keys. */
  parent: string;
  /** The property name, for unknown and missing keys. */
  key: string | undefined;
  /** The value found there (undefined when missing). */
  value: unknown;
  /** What would have been accepted, in words. */
  expected: string;
  /** For unknown keys: the keys the object allows. */
  allowed: string[] | undefined;
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; problems: SchemaProblem[] };

export interface DocumentSchema<S extends TSchema> {
  readonly schema: S;
  check(value: unknown): CheckResult<Static<S>>;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
ajv.addKeyword({ keyword: 'unknownKey', schemaType: 'string' });

/** A string (or number) taken from a fixed list, as one `enum` so a miss is one problem, not one per member. */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions & ProblemWording = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `a.b[2].c` from ajv's JSON pointer `/a/b/2/c`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : path === '' ? seg : `${path}.${seg}`), '');
}

const join = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** Short rendering of a value for a problem ("got ..."). */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describe(e: ErrorObject): string {
  const wording = (e.parentSchema as ProblemWording | undefined)?.expected;
  if (wording !== undefined) return wording;
  switch (e.keyword) {
    case 'enum': return `one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
    case 'const': return `${showValue((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'type': return `a value of type ${String((e.params as { type: unknown }).type)}`;
    default: return `a value that ${e.message ?? 'is valid'}`;
  }
}

function toProblem(e: ErrorObject): SchemaProblem {
  const at = pointerToPath(e.instancePath);
  const parentSchema = e.parentSchema as (ProblemWording & { properties?: Record<string, TSchema & ProblemWording> }) | undefined;
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    return {
      kind: 'unknown-key', path: join(at, key), parent: at, key, value: (e.data as Record<string, unknown>)[key],
      expected: parentSchema?.unknownKey ?? 'no such field', allowed: Object.keys(parentSchema?.properties ?? {}),
    };
  }
  if (e.keyword === 'required') {
    const key = (e.params as { missingProperty: string }).missingProperty;
    const own = parentSchema?.properties?.[key]?.expected;
    // A required field without wording of its own is reported as a bad object (`{entity_type, entity, reason}`).
    if (own === undefined && parentSchema?.expected !== undefined) {
      return { kind: 'invalid', path: at, parent: at, key: undefined, value: e.data, expected: parentSchema.expected, allowed: undefined };
    }
    return { kind: 'missing', path: join(at, key), parent: at, key, value: undefined, expected: own ?? 'a value (required)', allowed: undefined };
  }
  return { kind: 'invalid', path: at, parent: at, key: undefined, value: e.data, expected: describe(e), allowed: undefined };
}

/**
 * One problem per field: ajv may report a field twice (type and pattern), and a union reports every
 * branch; a union carrying its own `expected` wording is reported once, in its words.
 */
export function problemsOf(errors: readonly ErrorObject[]): SchemaProblem[] {
  const worded = errors.filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && (e.parentSchema as ProblemWording | undefined)?.expected !== undefined);
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    if (e !== worded.find((u) => u.schemaPath === e.schemaPath && u.instancePath === e.instancePath)) {
      if (worded.some((u) => e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath))) continue;
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    }
    const p = toProblem(e);
    const id = `${p.kind}:${p.path}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return out;
}

/** `path: expected X, got Y`, or `parent: unknown field "k" (allowed: ...)`: the default wording of a problem. */
export function formatProblem(p: SchemaProblem): string {
  if (p.kind === 'unknown-key') {
    const where = p.parent === '' ? '' : `${p.parent}: `;
    return p.expected === 'no such field'
      ? `${where}unknown field "${p.key ?? ''}" (allowed: ${(p.allowed ?? []).join(', ')})`
      : `${p.path}: ${p.expected}`;
  }
  return `${p.path === '' ? '' : `${p.path}: `}expected ${p.expected}, got ${showValue(p.value)}`;
}

/** Compiles a TypeBox declaration once; `check` returns the typed value or every problem at once. */
export function compileSchema<S extends TSchema>(schema: S): DocumentSchema<S> {
  const validate: ValidateFunction = ajv.compile(schema);
  return {
    schema,
    check(value: unknown): CheckResult<Static<S>> {
      if (validate(value)) return { ok: true, value: value as Static<S> };
      return { ok: false, problems: problemsOf(validate.errors ?? []) };
    },
  };
}

/**
 * The published JSON Schema of a declaration, byte for byte as committed under `schemas/`
 * (TypeBox's own markers are symbols, so JSON leaves them out).
 */
export function jsonSchemaText(schema: TSchema, meta: { title: string; description: string }): string {
  const { title: _t, description: _d, ...rest } = schema as Record<string, unknown>;
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', title: meta.title, description: meta.description, ...rest }, null, 2)}\n`;
}

export { Type, type Static, type TSchema } from '@sinclair/typebox';
