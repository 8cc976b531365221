import { ATTESTATIONS, CALL_EVENT_TYPES, CALL_FIELDS, SEVERITIES, type CallField } from '../events.js';

/**
 * What a rule pack may contain, declared once: the validator checks packs against it, and the
 * published JSON Schema (`schemas/rule-pack.schema.json`, see `rulePackJsonSchema`) is generated
 * from it. Limits keep a pack from hurting the service: state held for a window, lateness or
 * look-back grows with it, and so does the work per event with rules, measures and conditions.
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

/** Properties of each object of a pack; anything else is rejected, at every level. */
export const KEYS = {
  pack: ['$schema', 'version', 'name', 'settings', 'rules'],
  settings: ['allowedLateness', 'maxEventTimeJump', 'victimMinDuration', 'victimLookback', 'victimFollow', 'victimLogMaxCalls', 'escalateOnAgreement', 'evidenceSize'],
  windowRule: ['id', 'type', 'description', 'severity', 'enabled', 'key', 'window', 'filter', 'measures', 'when', 'cooldown', 'victims'],
  otpRule: ['id', 'type', 'description', 'severity', 'enabled', 'within', 'suspicious', 'cooldown'],
  window: { sliding: ['type', 'size', 'hop'], tumbling: ['type', 'size'], session: ['type', 'gap', 'max'] },
  measure: {
    count: ['fn', 'where'],
    distinct: ['fn', 'field', 'where', 'dropDigits'],
    distinct_ratio: ['fn', 'field', 'where', 'dropDigits'],
    ratio: ['fn', 'numerator', 'denominator', 'lowerBound', 'upperBound'],
    sum: ['fn', 'field', 'where'], avg: ['fn', 'field', 'where'], max: ['fn', 'field', 'where'], min: ['fn', 'field', 'where'],
  },
  threshold: ['measure', 'op', 'value'],
} as const;

type Json = Record<string, unknown>;

const DURATION_TEXT = '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$';

function durationSchema(field: DurationField): Json {
  const b: DurationBound = DURATIONS[field];
  return {
    description: `A duration with its unit, such as "500ms", "60s", "5m", "2h", "1d" (a bare number of ms is deprecated), from ${b.min} ms to ${b.max} ms${b.default ? `; default ${b.default}` : ''}`,
    oneOf: [{ type: 'string', pattern: DURATION_TEXT }, { type: 'number', minimum: b.min, maximum: b.max }],
  };
}

const closed = (keys: readonly string[], properties: Json, required: string[] = []): Json =>
  ({ type: 'object', additionalProperties: false, properties: Object.fromEntries(keys.map((k) => [k, properties[k] ?? {}])), ...(required.length ? { required } : {}) });

function conditionSchemas(): Json {
  const L = RULE_PACK_LIMITS;
  const scalarFor = (k: FieldKind): Json =>
    k.kind === 'string' ? { type: 'string', maxLength: L.stringLength }
      : k.kind === 'enum' ? { enum: [...k.symbols] }
        : k.nullable ? { type: ['number', 'null'], minimum: -L.conditionNumberMagnitude, maximum: L.conditionNumberMagnitude }
          : { type: 'number', minimum: -L.conditionNumberMagnitude, maximum: L.conditionNumberMagnitude };
  const list = (items: Json): Json => ({ type: 'array', minItems: 1, maxItems: L.listItems, items });
  // Fields of one kind share their condition shapes.
  const groups = new Map<string, { kind: FieldKind; fields: CallField[] }>();
  for (const field of CALL_FIELDS) {
    const kind = FIELD_KINDS[field];
    const g = groups.get(JSON.stringify(kind)) ?? { kind, fields: [] };
    g.fields.push(field);
    groups.set(JSON.stringify(kind), g);
  }
  const fieldConditions: Json[] = [];
  for (const { kind, fields } of groups.values()) {
    const field = fields.length === 1 ? { const: fields[0] } : { enum: fields };
    const ops: [string, Json][] = [
      ['eq', scalarFor(kind)], ['ne', scalarFor(kind)], ['in', list(scalarFor(kind))], ['notIn', list(scalarFor(kind))],
    ];
    if (kind.kind === 'string') ops.push(['prefix', list({ type: 'string', maxLength: L.stringLength })]);
    if (kind.kind === 'number') for (const op of ORDER_OPS) ops.push([op, { type: 'number', minimum: -L.conditionNumberMagnitude, maximum: L.conditionNumberMagnitude }]);
    for (const [op, arg] of ops) fieldConditions.push(closed(['field', op], { field, [op]: arg }, ['field', op]));
  }
  const ref = { $ref: '#/$defs/condition' };
  return {
    condition: {
      description: `A condition: a call-event field compared with values of its type, a reference check, or all / any / not (nested at most ${L.conditionDepth} deep, at most ${L.conditionsPerRule} conditions per rule)`,
      anyOf: [
        ...fieldConditions,
        closed(['ref'], { ref: { enum: [...REFERENCE_CHECKS] } }, ['ref']),
        closed(['all'], { all: { type: 'array', minItems: 1, items: ref } }, ['all']),
        closed(['any'], { any: { type: 'array', minItems: 1, items: ref } }, ['any']),
        closed(['not'], { not: ref }, ['not']),
      ],
    },
  };
}

function measureSchema(): Json {
  const L = RULE_PACK_LIMITS;
  const cond = { $ref: '#/$defs/condition' };
  const field = { enum: [...CALL_FIELDS] };
  const props: Record<string, Json> = {
    where: cond, numerator: cond, denominator: cond, field,
    dropDigits: { type: 'integer', minimum: L.dropDigits.min, maximum: L.dropDigits.max, description: 'Remove the last N digits before counting (number blocks)' },
    lowerBound: { type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 1, description: 'Read the share as its Wilson lower bound at this one-sided confidence' },
    upperBound: { type: 'number', exclusiveMinimum: 0.5, exclusiveMaximum: 1, description: 'Read the share as its Wilson upper bound at this one-sided confidence' },
  };
  return {
    anyOf: Object.entries(KEYS.measure).map(([fn, keys]) => {
      const p: Json = { ...props, fn: { const: fn } };
      if (fn === 'sum' || fn === 'avg' || fn === 'max' || fn === 'min') p['field'] = { enum: [...NUMERIC_MEASURE_FIELDS] };
      const required = fn === 'count' ? ['fn'] : fn === 'ratio' ? ['fn', 'numerator'] : ['fn', 'field'];
      const shape = closed(keys, p, required);
      return fn === 'ratio' ? { ...shape, not: { required: ['lowerBound', 'upperBound'] } } : shape;
    }),
  };
}

/** The JSON Schema (draft 2020-12) of a rule pack, generated from this declaration. */
export function rulePackJsonSchema(): Json {
  const L = RULE_PACK_LIMITS;
  const severity = { enum: [...SEVERITIES] };
  const text = (max: number): Json => ({ type: 'string', maxLength: max });
  const id = { type: 'string', pattern: RULE_ID_PATTERN };
  const windowRule = closed(KEYS.windowRule, {
    id, type: { const: 'window' }, description: text(L.descriptionLength), severity, enabled: { type: 'boolean' }, victims: { type: 'boolean' },
    key: {
      oneOf: [{ enum: [...CALL_FIELDS] }, { type: 'array', minItems: 1, maxItems: L.keyFields, items: { enum: [...CALL_FIELDS] } }],
    },
    window: {
      description: `sliding (size, hop: at most ${L.bucketsPerWindow} hops per window, hop divides size), tumbling (size) or session (gap, max)`,
      oneOf: [
        closed(KEYS.window.sliding, { type: { const: 'sliding' }, size: durationSchema('window.size'), hop: durationSchema('window.hop') }, ['type', 'size']),
        closed(KEYS.window.tumbling, { type: { const: 'tumbling' }, size: durationSchema('window.size') }, ['type', 'size']),
        closed(KEYS.window.session, { type: { const: 'session' }, gap: durationSchema('window.gap'), max: durationSchema('window.max') }, ['type', 'gap']),
      ],
    },
    filter: { $ref: '#/$defs/condition' },
    measures: {
      type: 'object', minProperties: 1, maxProperties: L.measuresPerRule,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$' }, additionalProperties: { $ref: '#/$defs/measure' },
    },
    when: {
      type: 'array', minItems: 1, maxItems: L.thresholdsPerRule,
      items: closed(KEYS.threshold, {
        measure: { type: 'string' }, op: { enum: [...COMPARISON_OPS] },
        value: { type: 'number', minimum: -L.thresholdMagnitude, maximum: L.thresholdMagnitude },
      }, ['measure', 'op', 'value']),
    },
    cooldown: durationSchema('cooldown'),
  }, ['id', 'severity', 'key', 'window', 'measures', 'when']);
  const otpRule = closed(KEYS.otpRule, {
    id, type: { const: 'otp_after_call' }, description: text(L.descriptionLength), severity, enabled: { type: 'boolean' },
    within: durationSchema('within'), suspicious: { $ref: '#/$defs/condition' }, cooldown: durationSchema('otp.cooldown'),
  }, ['id', 'type', 'severity', 'suspicious']);
  const settingsProps: Json = { escalateOnAgreement: { type: 'boolean' } };
  for (const k of KEYS.settings) {
    const path = `settings.${k}`;
    if (path in DURATIONS) settingsProps[k] = durationSchema(path as DurationField);
    else if (k in INTEGER_SETTINGS) {
      const b = INTEGER_SETTINGS[k as keyof typeof INTEGER_SETTINGS];
      settingsProps[k] = { type: 'integer', minimum: b.min, maximum: b.max, description: `default ${b.default}` };
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'telfraud rule pack',
    description: 'Generated from services/core/src/rules/rule-pack-declaration.ts: do not edit by hand. The validator also checks what a schema cannot say: thresholds naming declared measures, hop dividing size, condition depth and count.',
    ...closed(KEYS.pack, {
      $schema: { type: 'string' },
      version: { const: 1 },
      name: text(L.stringLength),
      settings: closed(KEYS.settings, settingsProps),
      rules: { type: 'array', maxItems: L.rules, items: { oneOf: [windowRule, otpRule] } },
    }, ['version', 'rules']),
    $defs: { ...conditionSchemas(), measure: measureSchema() },
  };
}

/** The committed `schemas/rule-pack.schema.json`, byte for byte. */
export function rulePackSchemaText(): string {
  return JSON.stringify(rulePackJsonSchema(), null, 2) + '\n';
}
