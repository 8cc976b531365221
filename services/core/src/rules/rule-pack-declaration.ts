import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ATTESTATIONS, CALL_EVENT_TYPES, CALL_FIELDS, SEVERITIES, type CallField } from '../events.js';

/**
 * What a rule pack may contain, declared once with TypeBox (`RulePackDocument`): its type, the
 * structural check of the validator (rule-pack-structure.ts) and the published JSON Schema
 * (`schemas/rule-pack.schema.json`) all come from it. TypeBox is a pure library (no I/O, no Node
 * import), and the core checks with its interpreter (`Value.Errors`), not ajv's generated code.
 * Limits keep a pack from hurting the service: state held for a window, lateness or look-back grows
 * with it, and so does the work per event with rules, measures and conditions.
 */

const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const RULE_PACK_LIMITS = {
  rules: 200,
  measuresPerRule: 16,
  thresholdsPerRule: 16,
  /** Condition nodes of one rule: filter, every measure's conditions, OTP `suspicious`. */
  conditionsPerRule: 100,
  /** Nesting of all / any / not. */
  conditionDepth: 8,
  /** Items of an `in`, `notIn` or `prefix` list. */
  listItems: 1_000,
  keyFields: 3,
  /** Buckets of one sliding window (size / hop). */
  bucketsPerWindow: 360,
  /** Magnitude of a threshold. */
  thresholdMagnitude: 1e9,
  /** Magnitude of a number compared in a condition (event times are ~1.8e12). */
  conditionNumberMagnitude: 1e13,
  stringLength: 256,
  descriptionLength: 1_000,
  dropDigits: { min: 1, max: 8 },
} as const;

export interface DurationBound {
  min: number;
  max: number;
  /** As written in a pack (the default is applied when the field is absent). */
  default?: string;
}

/** Every duration a pack may set, by field path: bounds in milliseconds. */
export const DURATIONS = {
  'settings.allowedLateness': { min: 0, max: HOUR, default: '3m' },
  'settings.maxEventTimeJump': { min: SEC, max: HOUR, default: '2m' },
  'settings.victimMinDuration': { min: 0, max: DAY, default: '60s' },
  'settings.victimLookback': { min: 0, max: DAY, default: '1h' },
  'settings.victimFollow': { min: 0, max: 7 * DAY, default: '24h' },
  'window.size': { min: SEC, max: DAY },
  'window.hop': { min: SEC, max: DAY, default: '5s' },
  'window.gap': { min: SEC, max: DAY },
  'window.max': { min: SEC, max: 7 * DAY, default: '24h' },
  'cooldown': { min: SEC, max: 7 * DAY, default: '15m' },
  'otp.cooldown': { min: SEC, max: 7 * DAY, default: '1h' },
  'within': { min: SEC, max: DAY, default: '10m' },
} as const satisfies Record<string, DurationBound>;

export type DurationField = keyof typeof DURATIONS;

/** Integer settings. */
export const INTEGER_SETTINGS = {
  victimLogMaxCalls: { min: 0, max: 10_000_000, default: 2_000_000 },
  evidenceSize: { min: 0, max: 100, default: 10 },
} as const;

/** What a condition may compare a call-event field with. */
export type FieldKind =
  | { kind: 'string' }
  | { kind: 'enum'; symbols: readonly string[] }
  | { kind: 'number'; nullable: boolean };

export const FIELD_KINDS: Record<CallField, FieldKind> = {
  event_id: { kind: 'string' },
  call_id: { kind: 'string' },
  type: { kind: 'enum', symbols: CALL_EVENT_TYPES },
  ts: { kind: 'number', nullable: false },
  calling_number: { kind: 'string' },
  called_number: { kind: 'string' },
  ingress_trunk: { kind: 'string' },
  ingress_country: { kind: 'string' },
  attestation: { kind: 'enum', symbols: ATTESTATIONS },
  duration_ms: { kind: 'number', nullable: true },
  sip_code: { kind: 'number', nullable: true },
};

export const REFERENCE_CHECKS = ['dno', 'home_cli_from_abroad', 'home_country_ingress', 'allowlisted', 'neighbour_cli'] as const;
export const COMPARISON_OPS = ['>=', '>', '<=', '<'] as const;
export const EQUALITY_OPS = ['eq', 'ne'] as const;
export const LIST_OPS = ['in', 'notIn'] as const;
export const ORDER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
export const FIELD_OPS = [...EQUALITY_OPS, ...LIST_OPS, 'prefix', ...ORDER_OPS] as const;
export const MEASURE_FNS = ['count', 'distinct', 'distinct_ratio', 'ratio', 'sum', 'avg', 'max', 'min'] as const;
export const NUMERIC_MEASURE_FIELDS = ['duration_ms', 'sip_code'] as const;
export const RULE_ID_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';

/**
 * Wording of a problem at a schema node, in the validator's words ("must be ..."); `showValue`
 * adds ", got <value>". Annotations of our own: left out of the published schema.
 */
export interface ProblemWording {
  problem?: string;
  showValue?: boolean;
}
const ANNOTATIONS: readonly string[] = ['problem', 'showValue'];

const worded = (problem: string, showValue = false): ProblemWording => (showValue ? { problem, showValue } : { problem });

/** A string from a fixed list (published as one `enum`). */
const OneOf = <const T extends readonly string[]>(values: T, wording: ProblemWording = worded(`must be one of ${values.join(', ')}`)) =>
  Type.Union(values.map((v) => Type.Literal(v)), wording);

const DURATION_TEXT = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$';

/** A duration: text with its unit (bounds checked by the validator once read), or a deprecated bare number of ms. */
function Duration(field: DurationField) {
  const b: DurationBound = DURATIONS[field];
  return Type.Union([Type.String({ pattern: DURATION_TEXT }), Type.Number({ minimum: b.min, maximum: b.max })], {
    description: `A duration with its unit, such as "500ms", "60s", "5m", "2h", "1d" (a bare number of ms is deprecated), from ${b.min} ms to ${b.max} ms${'default' in b ? `; default ${b.default}` : ''}`,
    ...worded('must be a duration such as "60s" or "5m"', true),
  });
}

const L = RULE_PACK_LIMITS;
const closed = { additionalProperties: false } as const;
const Text = (max: number) => Type.String({ maxLength: max, ...worded(`must be a string of at most ${max} characters`) });
const Flag = () => Type.Boolean(worded('must be true or false'));
const Severity = OneOf(SEVERITIES);
const RuleId = Type.String({ pattern: RULE_ID_PATTERN, ...worded('must be 1-64 chars of a-z 0-9 . _ - starting with a letter or digit') });
const FieldName = OneOf(CALL_FIELDS, worded(`must be a call-event field (${CALL_FIELDS.join(', ')})`, true));
const CONDITION_ID = '#condition';

const conditionNumber = () => Type.Number({ minimum: -L.conditionNumberMagnitude, maximum: L.conditionNumberMagnitude });
function scalarFor(k: FieldKind): TSchema {
  if (k.kind === 'string') return Type.String({ maxLength: L.stringLength });
  if (k.kind === 'enum') return OneOf(k.symbols);
  return k.nullable ? Type.Union([conditionNumber(), Type.Null()]) : conditionNumber();
}

/** A call-event field compared with values of its kind, a reference check, or all / any / not. */
function fieldConditions(self: TSchema): TSchema[] {
  const list = (items: TSchema) => Type.Array(items, { minItems: 1, maxItems: L.listItems });
  // Fields of one kind share their condition shapes.
  const groups = new Map<string, { kind: FieldKind; fields: CallField[] }>();
  for (const field of CALL_FIELDS) {
    const kind = FIELD_KINDS[field];
    const g = groups.get(JSON.stringify(kind)) ?? { kind, fields: [] };
    g.fields.push(field);
    groups.set(JSON.stringify(kind), g);
  }
  const out: TSchema[] = [];
  for (const { kind, fields } of groups.values()) {
    const field = fields.length === 1 ? Type.Literal(fields[0]!) : OneOf(fields);
    const ops: [string, TSchema][] = [['eq', scalarFor(kind)], ['ne', scalarFor(kind)], ['in', list(scalarFor(kind))], ['notIn', list(scalarFor(kind))]];
    if (kind.kind === 'string') ops.push(['prefix', list(Type.String({ minLength: 1, maxLength: L.stringLength }))]);
    if (kind.kind === 'number') for (const op of ORDER_OPS) ops.push([op, conditionNumber()]);
    for (const [op, arg] of ops) out.push(Type.Object({ field, [op]: arg }, closed));
  }
  const nested = Type.Array(self, { minItems: 1 });
  return [
    ...out,
    Type.Object({ ref: OneOf(REFERENCE_CHECKS) }, closed),
    Type.Object({ all: nested }, closed),
    Type.Object({ any: nested }, closed),
    Type.Object({ not: self }, closed),
  ];
}

export const ConditionDocument = Type.Recursive((self) => Type.Union(fieldConditions(self)), {
  $id: CONDITION_ID,
  description: `A condition: a call-event field compared with values of its type, a reference check, or all / any / not (nested at most ${L.conditionDepth} deep, at most ${L.conditionsPerRule} conditions per rule)`,
  ...worded('must be a condition object'),
});
const Condition = () => Type.Ref(CONDITION_ID, worded('must be a condition object'));

const Where = () => Type.Optional(Condition());
const Confidence = (side: string) => Type.Optional(Type.Number({
  exclusiveMinimum: 0.5, exclusiveMaximum: 1, description: `Read the share as its Wilson ${side} bound at this one-sided confidence`,
  ...worded('must be a confidence above 0.5 and below 1, such as 0.95'),
}));
const DropDigits = Type.Optional(Type.Integer({
  minimum: L.dropDigits.min, maximum: L.dropDigits.max, description: 'Remove the last N digits before counting (number blocks)',
  ...worded(`must be an integer from ${L.dropDigits.min} to ${L.dropDigits.max}`),
}));
const NumericField = OneOf(NUMERIC_MEASURE_FIELDS);

const distinct = (fn: 'distinct' | 'distinct_ratio') => Type.Object({ fn: Type.Literal(fn), field: FieldName, where: Where(), dropDigits: DropDigits }, closed);
const numeric = (fn: 'sum' | 'avg' | 'max' | 'min') => Type.Object({ fn: Type.Literal(fn), field: NumericField, where: Where() }, closed);

export const MeasureDocument = Type.Union([
  Type.Object({ fn: Type.Literal('count'), where: Where() }, closed),
  distinct('distinct'),
  distinct('distinct_ratio'),
  Type.Object({
    fn: Type.Literal('ratio'), numerator: Condition(), denominator: Type.Optional(Condition()),
    lowerBound: Confidence('lower'), upperBound: Confidence('upper'),
  }, closed),
  numeric('sum'), numeric('avg'), numeric('max'), numeric('min'),
], worded('must be a measure object'));

const windowSpec = Type.Union([
  Type.Object({ type: Type.Literal('sliding'), size: Duration('window.size'), hop: Type.Optional(Duration('window.hop')) }, closed),
  Type.Object({ type: Type.Literal('tumbling'), size: Duration('window.size') }, closed),
  Type.Object({ type: Type.Literal('session'), gap: Duration('window.gap'), max: Type.Optional(Duration('window.max')) }, closed),
], {
  description: `sliding (size, hop: at most ${L.bucketsPerWindow} hops per window, hop divides size), tumbling (size) or session (gap, max)`,
  ...worded('must be an object'),
});

const Threshold = Type.Object({
  measure: Type.String(worded('must name a declared measure', true)),
  op: OneOf(COMPARISON_OPS, worded(`must be one of ${COMPARISON_OPS.join(' ')}`)),
  value: Type.Number({ minimum: -L.thresholdMagnitude, maximum: L.thresholdMagnitude, ...worded(`must be a finite number within ±${L.thresholdMagnitude}`) }),
}, { ...closed, ...worded('must be an object') });

export const WindowRuleDocument = Type.Object({
  id: RuleId,
  type: Type.Optional(Type.Literal('window')),
  description: Type.Optional(Text(L.descriptionLength)),
  severity: Severity,
  enabled: Type.Optional(Flag()),
  key: Type.Union([FieldName, Type.Array(FieldName, { minItems: 1, maxItems: L.keyFields })], worded(`must name 1 to ${L.keyFields} call-event fields`)),
  window: windowSpec,
  filter: Type.Optional(Condition()),
  measures: Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }), MeasureDocument, {
    ...closed, minProperties: 1, maxProperties: L.measuresPerRule, ...worded(`must be an object of named measures (at most ${L.measuresPerRule})`),
  }),
  when: Type.Array(Threshold, {
    minItems: 1, maxItems: L.thresholdsPerRule, ...worded(`must be a non-empty array of {measure, op, value} (at most ${L.thresholdsPerRule})`),
  }),
  cooldown: Type.Optional(Duration('cooldown')),
  victims: Type.Optional(Flag()),
}, closed);

export const OtpRuleDocument = Type.Object({
  id: RuleId,
  type: Type.Literal('otp_after_call'),
  description: Type.Optional(Text(L.descriptionLength)),
  severity: Severity,
  enabled: Type.Optional(Flag()),
  within: Type.Optional(Duration('within')),
  suspicious: Condition(),
  cooldown: Type.Optional(Duration('otp.cooldown')),
}, closed);

const integerSetting = (key: keyof typeof INTEGER_SETTINGS) => {
  const b = INTEGER_SETTINGS[key];
  return Type.Optional(Type.Integer({ minimum: b.min, maximum: b.max, description: `default ${b.default}`, ...worded(`must be an integer from ${b.min} to ${b.max}`) }));
};

export const SettingsDocument = Type.Object({
  allowedLateness: Type.Optional(Duration('settings.allowedLateness')),
  maxEventTimeJump: Type.Optional(Duration('settings.maxEventTimeJump')),
  victimMinDuration: Type.Optional(Duration('settings.victimMinDuration')),
  victimLookback: Type.Optional(Duration('settings.victimLookback')),
  victimFollow: Type.Optional(Duration('settings.victimFollow')),
  victimLogMaxCalls: integerSetting('victimLogMaxCalls'),
  escalateOnAgreement: Type.Optional(Flag()),
  evidenceSize: integerSetting('evidenceSize'),
}, { ...closed, ...worded('must be an object') });

export const RulePackDocument = Type.Object({
  $schema: Type.Optional(Type.String(worded('must be a string'))),
  version: Type.Literal(1, worded('must be 1')),
  name: Type.Optional(Text(L.stringLength)),
  settings: Type.Optional(SettingsDocument),
  rules: Type.Array(Type.Union([WindowRuleDocument, OtpRuleDocument], worded('must be an object')), {
    maxItems: L.rules, ...worded(`must be an array of at most ${L.rules} rules`),
  }),
}, { ...closed, ...worded('must be a JSON object') });

/** A rule pack as written (durations as text, defaults not applied), once its structure is checked. */
export type RulePackSource = Static<typeof RulePackDocument>;

/** Schemas a `$ref` of the declaration may name (the recursive condition). */
export const RULE_PACK_REFERENCES: TSchema[] = [ConditionDocument];

/** The published form: our annotations left out, a union of constants written as one `enum`. */
function published(_key: string, v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = v as Record<string, unknown>;
  const anyOf = o['anyOf'];
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((x) => typeof x === 'object' && x !== null && 'const' in x && typeof (x as { const: unknown }).const === 'string')) {
    const { anyOf: _a, ...rest } = o;
    return published('', { ...rest, type: 'string', enum: anyOf.map((x) => (x as { const: string }).const) });
  }
  return Object.fromEntries(Object.entries(o).filter(([k]) => !ANNOTATIONS.includes(k)));
}

/** The JSON Schema (draft-07) of a rule pack, generated from this declaration. */
export function rulePackJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'telfraud rule pack',
    description: 'Generated from services/core/src/rules/rule-pack-declaration.ts: do not edit by hand. The validator also checks what a schema cannot say: duration bounds of text durations, thresholds naming declared measures, hop dividing size, dropDigits only on phone numbers, one ratio bound at most, condition depth and count.',
    ...(RulePackDocument as Record<string, unknown>),
    definitions: { condition: ConditionDocument },
  };
}

/** The committed `schemas/rule-pack.schema.json`, byte for byte. */
export function rulePackSchemaText(): string {
  return JSON.stringify(rulePackJsonSchema(), published, 2) + '\n';
}
