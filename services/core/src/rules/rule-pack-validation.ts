import { CALL_FIELDS, SEVERITIES, type CallField, type Severity } from '../events.js';
import { bareDurationNotice, readDuration } from '../duration.js';
import {
  COMPARISON_OPS, DURATIONS, FIELD_KINDS, FIELD_OPS, INTEGER_SETTINGS, KEYS, LIST_OPS, MEASURE_FNS, NUMERIC_MEASURE_FIELDS,
  ORDER_OPS, REFERENCE_CHECKS, RULE_ID_PATTERN, RULE_PACK_LIMITS as LIMITS,
  type DurationField, type FieldKind,
} from './rule-pack-declaration.js';
import {
  type ComparisonOp, type Condition, type EngineSettings, type Measure, type OtpAfterCallRule,
  type ReferenceCheck, type Rule, type RulePack, type Threshold, type WindowRule, type WindowSpec,
} from './rule-pack.js';
import { PipelineError } from '../pipeline-error.js';

export interface RulePackProblem {
  /** Rule id (or index) the problem is in; `settings` or `pack` otherwise. */
  rule: string;
  path: string;
  message: string;
}

export class RulePackError extends PipelineError {
  constructor(readonly problems: RulePackProblem[]) {
    super('RULE_PACK_INVALID', `invalid rule pack:\n${problems.map((p) => `  rule ${p.rule}: ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'RulePackError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ID = new RegExp(RULE_ID_PATTERN);
/** Errors past this many are summarised: a pack of 100,000 bad rules must not make a 100,000-line message. */
const MAX_PROBLEMS = 200;
/** Number blocks (dropDigits) only make sense of phone numbers. */
const PHONE_FIELDS: readonly string[] = ['calling_number', 'called_number'];
/** A ratio read as a one-sided Wilson bound at this confidence (see wilson-bound.ts). */
const RATIO_BOUNDS = ['lowerBound', 'upperBound'] as const;

class Collector {
  readonly problems: RulePackProblem[] = [];
  /** Deprecated spellings that were still read (bare-number durations), for the caller to log. */
  constructor(public rule = 'pack', readonly notices: string[] = []) {}
  add(path: string, message: string): void {
    this.problems.push({ rule: this.rule, path, message });
  }
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** A misspelt property would otherwise be ignored silently (e.g. `filtr` widening a rule to all traffic). */
function unknownKeys(c: Collector, prefix: string, v: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) c.add(prefix + k, `is not a known field (${allowed.join(', ')})`);
}

function field(c: Collector, path: string, v: unknown): CallField | undefined {
  if (typeof v === 'string' && (CALL_FIELDS as readonly string[]).includes(v)) return v as CallField;
  c.add(path, `must be a call-event field (${CALL_FIELDS.join(', ')}), got ${show(v)}`);
  return undefined;
}

function duration(c: Collector, path: string, v: unknown, bound: DurationField): number {
  const b = DURATIONS[bound];
  const reading = readDuration(v, 'ms');
  const ms = reading?.ms;
  if (reading?.bare) c.notices.push(`rule ${c.rule}: ${bareDurationNotice(path, v, 'ms')}`);
  if (ms === undefined || !Number.isFinite(ms)) {
    c.add(path, `must be a duration such as "60s" or "5m", got ${show(v)}`);
    return b.min;
  }
  if (ms < b.min || ms > b.max) {
    c.add(path, `must be a duration from ${b.min} ms to ${b.max} ms, got ${show(v)} (${ms} ms)`);
    return b.min;
  }
  return ms;
}

function text(c: Collector, path: string, v: unknown, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) return c.add(path, `must be a string of at most ${max} characters`), undefined;
  return v;
}

function flag(c: Collector, path: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== 'boolean') return c.add(path, 'must be true or false'), def;
  return v;
}

/**
 * Depth and size of a condition tree, walked with an explicit stack: a pack nesting `not` 5,000
 * deep must be refused, not overflow the validator's (or the compiler's) call stack. The walk stops
 * once it knows the tree is too deep or too large.
 */
function conditionShape(v: unknown, budget: number): { depth: number; nodes: number } {
  const stack: [unknown, number][] = [[v, 1]];
  let depth = 0;
  let nodes = 0;
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    nodes++;
    if (d > depth) depth = d;
    if (depth > LIMITS.conditionDepth || nodes > budget) break;
    if (!isObj(node)) continue;
    for (const k of ['all', 'any'] as const) {
      const list = node[k];
      if (Array.isArray(list)) for (let i = 0; i < list.length && stack.length <= budget; i++) stack.push([list[i], d + 1]);
    }
    if ('not' in node) stack.push([node['not'], d + 1]);
  }
  return { depth, nodes };
}

/** Per rule: the condition nodes still allowed. */
class ConditionBudget {
  used = 0;
}

function checkedCondition(c: Collector, path: string, v: unknown, budget: ConditionBudget): Condition | undefined {
  const shape = conditionShape(v, LIMITS.conditionsPerRule - budget.used);
  if (shape.depth > LIMITS.conditionDepth) return c.add(path, `nests all / any / not deeper than ${LIMITS.conditionDepth} levels`), undefined;
  budget.used += shape.nodes;
  if (budget.used > LIMITS.conditionsPerRule) return c.add(path, `makes the rule hold more than ${LIMITS.conditionsPerRule} conditions`), undefined;
  return condition(c, path, v);
}

function scalarProblem(kind: FieldKind, f: CallField, x: unknown): string | undefined {
  switch (kind.kind) {
    case 'string':
      if (typeof x !== 'string') return `${f} is text: compare it with a string, got ${show(x)}`;
      if (x.length > LIMITS.stringLength) return `is longer than ${LIMITS.stringLength} characters`;
      return undefined;
    case 'enum':
      return typeof x === 'string' && kind.symbols.includes(x) ? undefined : `${f} is one of ${kind.symbols.join(', ')}, got ${show(x)}`;
    case 'number':
      if (x === null && kind.nullable) return undefined;
      if (typeof x !== 'number') return `${f} is a number${kind.nullable ? ' (or null)' : ''}: compare it with a number, got ${show(x)}`;
      return numberProblem(x);
  }
}

function numberProblem(x: number): string | undefined {
  if (!Number.isFinite(x)) return 'must be a finite number';
  if (Math.abs(x) > LIMITS.conditionNumberMagnitude) return `must be within ±${LIMITS.conditionNumberMagnitude}`;
  return undefined;
}

/** Parses one condition; its depth is bounded beforehand (`checkedCondition`), so recursion is safe. */
function condition(c: Collector, path: string, v: unknown): Condition | undefined {
  if (!isObj(v)) return c.add(path, 'must be a condition object'), undefined;
  for (const k of ['all', 'any'] as const) {
    if (!(k in v)) continue;
    unknownKeys(c, `${path}.`, v, [k]);
    const list = v[k];
    if (!Array.isArray(list) || list.length === 0) return c.add(`${path}.${k}`, 'must be a non-empty array'), undefined;
    const items = list.map((x, i) => condition(c, `${path}.${k}[${i}]`, x));
    if (items.some((x) => x === undefined)) return undefined;
    return (k === 'all' ? { all: items as Condition[] } : { any: items as Condition[] });
  }
  if ('not' in v) {
    unknownKeys(c, `${path}.`, v, ['not']);
    const inner = condition(c, `${path}.not`, v['not']);
    return inner && { not: inner };
  }
  if ('ref' in v) {
    unknownKeys(c, `${path}.`, v, ['ref']);
    if (typeof v['ref'] !== 'string' || !(REFERENCE_CHECKS as readonly string[]).includes(v['ref'])) return c.add(`${path}.ref`, `must be one of ${REFERENCE_CHECKS.join(', ')}`), undefined;
    return { ref: v['ref'] as ReferenceCheck };
  }
  const f = field(c, `${path}.field`, v['field']);
  const ops = Object.keys(v).filter((k) => k !== 'field');
  if (ops.length !== 1 || !(FIELD_OPS as readonly string[]).includes(ops[0] ?? '')) return c.add(path, `needs exactly one operator of ${FIELD_OPS.join(', ')}`), undefined;
  if (!f) return undefined;
  const op = ops[0] as (typeof FIELD_OPS)[number];
  const arg = v[op];
  const at = `${path}.${op}`;
  const kind = FIELD_KINDS[f];
  if ((ORDER_OPS as readonly string[]).includes(op)) {
    if (kind.kind !== 'number') return c.add(at, `${f} is not a number: ${op} cannot compare it`), undefined;
    if (typeof arg !== 'number') return c.add(at, 'must be a number'), undefined;
    const p = numberProblem(arg);
    return p ? (c.add(at, p), undefined) : ({ field: f, [op]: arg } as Condition);
  }
  if (op === 'prefix' || (LIST_OPS as readonly string[]).includes(op)) {
    if (!Array.isArray(arg) || arg.length === 0) return c.add(at, 'must be a non-empty array'), undefined;
    if (arg.length > LIMITS.listItems) return c.add(at, `must list at most ${LIMITS.listItems} values`), undefined;
    if (op === 'prefix') {
      if (kind.kind !== 'string') return c.add(at, `${f} is not text: prefix cannot match it`), undefined;
      const bad = arg.findIndex((x) => typeof x !== 'string' || x.length === 0 || x.length > LIMITS.stringLength);
      if (bad >= 0) return c.add(`${at}[${bad}]`, `must be strings of 1 to ${LIMITS.stringLength} characters`), undefined;
      return { field: f, prefix: arg as string[] };
    }
    for (let i = 0; i < arg.length; i++) {
      const p = scalarProblem(kind, f, arg[i]);
      if (p) return c.add(`${at}[${i}]`, p), undefined;
    }
    return { field: f, [op]: arg } as Condition;
  }
  const p = scalarProblem(kind, f, arg);
  if (p) return c.add(at, p), undefined;
  return { field: f, [op]: arg } as Condition;
}

function measure(c: Collector, path: string, v: unknown, budget: ConditionBudget): Measure | undefined {
  if (!isObj(v)) return c.add(path, 'must be a measure object'), undefined;
  const fn = v['fn'];
  if (typeof fn !== 'string' || !(MEASURE_FNS as readonly string[]).includes(fn)) {
    c.add(`${path}.fn`, `must be one of ${MEASURE_FNS.join(', ')}`);
    return undefined;
  }
  const name = fn as (typeof MEASURE_FNS)[number];
  unknownKeys(c, `${path}.`, v, KEYS.measure[name]);
  const where = v['where'] === undefined ? undefined : checkedCondition(c, `${path}.where`, v['where'], budget);
  const w = where ? { where } : {};
  const bounds = RATIO_BOUNDS.filter((k) => v[k] !== undefined);
  if (bounds.length > 0 && name !== 'ratio') c.add(`${path}.${bounds[0]!}`, 'applies only to ratio');
  if (bounds.length > 1) c.add(`${path}.upperBound`, 'give lowerBound or upperBound, not both');
  for (const k of bounds) {
    const b = v[k];
    if (typeof b !== 'number' || !(b > 0.5 && b < 1)) c.add(`${path}.${k}`, 'must be a confidence above 0.5 and below 1, such as 0.95');
  }
  switch (name) {
    case 'count': return { fn: 'count', ...w };
    case 'distinct':
    case 'distinct_ratio': {
      const f = field(c, `${path}.field`, v['field']);
      const d = v['dropDigits'];
      const { min, max } = LIMITS.dropDigits;
      if (d !== undefined && (typeof d !== 'number' || !Number.isInteger(d) || d < min || d > max)) {
        c.add(`${path}.dropDigits`, `must be an integer from ${min} to ${max}`);
        return undefined;
      }
      if (d !== undefined && f && !PHONE_FIELDS.includes(f)) {
        c.add(`${path}.dropDigits`, `applies only to a phone-number field (${PHONE_FIELDS.join(', ')})`);
        return undefined;
      }
      return f && { fn: name, field: f, ...w, ...(d !== undefined ? { dropDigits: d } : {}) };
    }
    case 'ratio': {
      const numerator = checkedCondition(c, `${path}.numerator`, v['numerator'], budget);
      const denominator = v['denominator'] === undefined ? undefined : checkedCondition(c, `${path}.denominator`, v['denominator'], budget);
      const bound = typeof v['lowerBound'] === 'number' ? { lowerBound: v['lowerBound'] } : typeof v['upperBound'] === 'number' ? { upperBound: v['upperBound'] } : {};
      return numerator && { fn: 'ratio', numerator, ...(denominator ? { denominator } : {}), ...bound };
    }
    default: {
      if (!(NUMERIC_MEASURE_FIELDS as readonly string[]).includes(String(v['field']))) return c.add(`${path}.field`, `must be one of ${NUMERIC_MEASURE_FIELDS.join(', ')}`), undefined;
      return { fn: name, field: v['field'] as (typeof NUMERIC_MEASURE_FIELDS)[number], ...w };
    }
  }
}

function windowSpec(c: Collector, v: unknown): WindowSpec {
  const fallback: WindowSpec = { type: 'tumbling', sizeMs: 60_000 };
  if (!isObj(v)) return c.add('window', 'must be an object'), fallback;
  const type = v['type'];
  if (type !== 'sliding' && type !== 'tumbling' && type !== 'session') {
    c.add('window.type', 'must be sliding, tumbling or session');
    return fallback;
  }
  unknownKeys(c, 'window.', v, KEYS.window[type]);
  switch (type) {
    case 'sliding': {
      const sizeMs = duration(c, 'window.size', v['size'], 'window.size');
      const hopMs = duration(c, 'window.hop', v['hop'] ?? DURATIONS['window.hop'].default, 'window.hop');
      if (sizeMs % hopMs !== 0) c.add('window.hop', `must divide window.size (${sizeMs} ms) evenly`);
      else if (sizeMs / hopMs > LIMITS.bucketsPerWindow) c.add('window.hop', `gives more than ${LIMITS.bucketsPerWindow} buckets per window; use a larger hop`);
      return { type: 'sliding', sizeMs, hopMs };
    }
    case 'tumbling': return { type: 'tumbling', sizeMs: duration(c, 'window.size', v['size'], 'window.size') };
    case 'session': return {
      type: 'session', gapMs: duration(c, 'window.gap', v['gap'], 'window.gap'), maxMs: duration(c, 'window.max', v['max'] ?? DURATIONS['window.max'].default, 'window.max'),
    };
  }
}

function severity(c: Collector, v: unknown): Severity {
  if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  c.add('severity', `must be one of ${SEVERITIES.join(', ')}`);
  return 'LOW';
}

function windowRule(c: Collector, v: Obj, id: string): WindowRule {
  unknownKeys(c, '', v, KEYS.windowRule);
  const budget = new ConditionBudget();
  const keyRaw = v['key'];
  const keys = Array.isArray(keyRaw) ? keyRaw : [keyRaw];
  if (keys.length === 0 || keys.length > LIMITS.keyFields) c.add('key', `must name 1 to ${LIMITS.keyFields} call-event fields`);
  const key = keys.slice(0, LIMITS.keyFields).map((k, i) => field(c, `key[${i}]`, k)).filter((k): k is CallField => k !== undefined);
  const measures: Record<string, Measure> = {};
  const rawMeasures = v['measures'];
  if (!isObj(rawMeasures) || Object.keys(rawMeasures).length === 0) c.add('measures', 'must be an object of named measures');
  else if (Object.keys(rawMeasures).length > LIMITS.measuresPerRule) c.add('measures', `must name at most ${LIMITS.measuresPerRule} measures`);
  else for (const [name, m] of Object.entries(rawMeasures)) {
    const parsed = measure(c, `measures.${name}`, m, budget);
    if (parsed) measures[name] = parsed;
  }
  const when: Threshold[] = [];
  const rawWhen = v['when'];
  if (!Array.isArray(rawWhen) || rawWhen.length === 0) c.add('when', 'must be a non-empty array of {measure, op, value}');
  else if (rawWhen.length > LIMITS.thresholdsPerRule) c.add('when', `must hold at most ${LIMITS.thresholdsPerRule} thresholds`);
  else rawWhen.forEach((t: unknown, i: number) => {
    if (!isObj(t)) return c.add(`when[${i}]`, 'must be an object');
    unknownKeys(c, `when[${i}].`, t, KEYS.threshold);
    if (typeof t['measure'] !== 'string' || !Object.hasOwn(rawMeasures as Obj, t['measure'])) return c.add(`when[${i}].measure`, `must name a declared measure, got ${show(t['measure'])}`);
    if (!(COMPARISON_OPS as readonly unknown[]).includes(t['op'])) return c.add(`when[${i}].op`, `must be one of ${COMPARISON_OPS.join(' ')}`);
    const value = t['value'];
    if (typeof value !== 'number' || !Number.isFinite(value)) return c.add(`when[${i}].value`, 'must be a finite number');
    if (Math.abs(value) > LIMITS.thresholdMagnitude) return c.add(`when[${i}].value`, `must be within ±${LIMITS.thresholdMagnitude}`);
    when.push({ measure: t['measure'], op: t['op'] as ComparisonOp, value });
  });
  return {
    id, type: 'window',
    description: text(c, 'description', v['description'], LIMITS.descriptionLength) ?? '',
    severity: severity(c, v['severity']),
    enabled: flag(c, 'enabled', v['enabled'], true),
    key,
    window: windowSpec(c, v['window']),
    filter: v['filter'] === undefined ? undefined : checkedCondition(c, 'filter', v['filter'], budget),
    measures, when,
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? DURATIONS['cooldown'].default, 'cooldown'),
    victims: flag(c, 'victims', v['victims'], true),
  };
}

function otpRule(c: Collector, v: Obj, id: string): OtpAfterCallRule {
  unknownKeys(c, '', v, KEYS.otpRule);
  return {
    id, type: 'otp_after_call',
    description: text(c, 'description', v['description'], LIMITS.descriptionLength) ?? '',
    severity: severity(c, v['severity']),
    enabled: flag(c, 'enabled', v['enabled'], true),
    withinMs: duration(c, 'within', v['within'] ?? DURATIONS['within'].default, 'within'),
    suspicious: checkedCondition(c, 'suspicious', v['suspicious'], new ConditionBudget()) ?? { ref: 'dno' },
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? DURATIONS['otp.cooldown'].default, 'otp.cooldown'),
  };
}

function settings(c: Collector, v: unknown): EngineSettings {
  const d = (key: 'allowedLateness' | 'maxEventTimeJump' | 'victimMinDuration' | 'victimLookback' | 'victimFollow'): number => {
    const bound = `settings.${key}` as const;
    return duration(c, bound, (isObj(v) ? v[key] : undefined) ?? DURATIONS[bound].default, bound);
  };
  const n = (key: keyof typeof INTEGER_SETTINGS): number => {
    const b = INTEGER_SETTINGS[key];
    const x = isObj(v) ? v[key] : undefined;
    if (x === undefined) return b.default;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < b.min || x > b.max) return c.add(`settings.${key}`, `must be an integer from ${b.min} to ${b.max}`), b.default;
    return x;
  };
  if (v !== undefined && !isObj(v)) c.add('settings', 'must be an object');
  if (isObj(v)) unknownKeys(c, 'settings.', v, KEYS.settings);
  return {
    allowedLatenessMs: d('allowedLateness'),
    maxEventTimeJumpMs: d('maxEventTimeJump'),
    victimMinDurationMs: d('victimMinDuration'),
    victimLookbackMs: d('victimLookback'),
    victimFollowMs: d('victimFollow'),
    victimLogMaxCalls: n('victimLogMaxCalls'),
    escalateOnAgreement: flag(c, 'settings.escalateOnAgreement', isObj(v) ? v['escalateOnAgreement'] : undefined, true),
    evidenceSize: n('evidenceSize'),
  };
}

export interface RulePackReading {
  /** Told of each deprecated spelling still accepted (a duration without its unit), naming rule and field. */
  onDeprecated?: (notice: string) => void;
}

/** Validates raw JSON (or YAML) into a RulePack; throws RulePackError naming every bad rule and field. */
export function validateRulePack(raw: unknown, reading: RulePackReading = {}): RulePack {
  if (!isObj(raw)) throw new RulePackError([{ rule: 'pack', path: '', message: 'must be a JSON object' }]);
  const notices: string[] = [];
  const pack = new Collector('pack', notices);
  unknownKeys(pack, '', raw, KEYS.pack);
  if (raw['version'] !== 1) pack.add('version', 'must be 1');
  const name = text(pack, 'name', raw['name'], LIMITS.stringLength);
  const problems = pack.problems;
  const s = new Collector('settings', notices);
  const parsedSettings = settings(s, raw['settings']);
  problems.push(...s.problems);
  const rules: Rule[] = [];
  const seen = new Set<string>();
  const rawRules = raw['rules'];
  if (!Array.isArray(rawRules)) problems.push({ rule: 'pack', path: 'rules', message: 'must be an array' });
  else if (rawRules.length > LIMITS.rules) problems.push({ rule: 'pack', path: 'rules', message: `must hold at most ${LIMITS.rules} rules, got ${rawRules.length}` });
  else rawRules.forEach((r: unknown, i: number) => {
    const id = isObj(r) && typeof r['id'] === 'string' && ID.test(r['id']) ? r['id'] : undefined;
    const c = new Collector(id ?? `#${i}`, notices);
    if (!isObj(r)) c.add('', 'must be an object');
    else {
      if (!id) c.add('id', 'must be 1-64 chars of a-z 0-9 . _ - starting with a letter or digit');
      else if (seen.has(id)) c.add('id', 'is used by another rule');
      if (id) seen.add(id);
      if (r['type'] === 'window' || r['type'] === undefined) rules.push(windowRule(c, r, id ?? `#${i}`));
      else if (r['type'] === 'otp_after_call') rules.push(otpRule(c, r, id ?? `#${i}`));
      else c.add('type', 'must be window or otp_after_call');
    }
    problems.push(...c.problems);
  });
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.length = MAX_PROBLEMS;
    problems.push({ rule: 'pack', path: '', message: `and ${more} more problems` });
  }
  if (problems.length > 0) throw new RulePackError(problems);
  for (const notice of notices) reading.onDeprecated?.(notice);
  return { version: 1, name: name ?? 'unnamed', settings: parsedSettings, rules };
}
