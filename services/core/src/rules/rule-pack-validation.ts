import { CALL_FIELDS, type CallField, type Severity } from '../events.js';
import { bareDurationNotice, readDuration } from '../duration.js';
import {
  DURATIONS, FIELD_KINDS, FIELD_OPS, INTEGER_SETTINGS, LIST_OPS, MEASURE_FNS, ORDER_OPS, REFERENCE_CHECKS, RULE_ID_PATTERN, RULE_PACK_LIMITS as LIMITS,
  RulePackDocument, type DurationField, type FieldKind,
} from './rule-pack-declaration.js';
import { showValue as show, structureProblems } from './rule-pack-structure.js';
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

/** A misspelt property of a condition would otherwise be ignored silently (e.g. `negate` beside `ref`). */
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

/** Deeper than a good pack can be: a condition at its deepest, in a measure of a rule of the pack. */
const MAX_DOCUMENT_DEPTH = 2 * LIMITS.conditionDepth + 8;

/** Whether a document nests objects and arrays deeper than `limit`, walked with an explicit stack. */
function nestsDeeperThan(v: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > limit) return true;
    if (typeof node === 'object' && node !== null) for (const x of Object.values(node)) stack.push([x, d + 1]);
  }
  return false;
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

/**
 * What the declaration cannot say of a measure: conditions (their words depend on the field they
 * compare), `dropDigits` only on phone numbers, one ratio bound at most. Its shape is checked
 * against `MeasureDocument`.
 */
function measure(c: Collector, path: string, v: unknown, budget: ConditionBudget): Measure | undefined {
  // An unknown fn is the declaration's to report; nothing else of the measure means anything then.
  if (!isObj(v) || !(MEASURE_FNS as readonly unknown[]).includes(v['fn'])) return undefined;
  const fn = v['fn'] as (typeof MEASURE_FNS)[number];
  const where = v['where'] === undefined ? undefined : checkedCondition(c, `${path}.where`, v['where'], budget);
  const w = where ? { where } : {};
  const bounds = RATIO_BOUNDS.filter((k) => v[k] !== undefined);
  if (bounds.length > 0 && fn !== 'ratio') c.add(`${path}.${bounds[0]!}`, 'applies only to ratio');
  if (bounds.length > 1) c.add(`${path}.upperBound`, 'give lowerBound or upperBound, not both');
  switch (fn) {
    case 'count': return { fn: 'count', ...w };
    case 'distinct':
    case 'distinct_ratio': {
      const f = v['field'] as CallField;
      const d = v['dropDigits'];
      if (typeof d === 'number' && (CALL_FIELDS as readonly unknown[]).includes(f) && !PHONE_FIELDS.includes(f)) {
        c.add(`${path}.dropDigits`, `applies only to a phone-number field (${PHONE_FIELDS.join(', ')})`);
      }
      return { fn, field: f, ...w, ...(d !== undefined ? { dropDigits: d as number } : {}) };
    }
    case 'ratio': {
      const numerator = checkedCondition(c, `${path}.numerator`, v['numerator'], budget);
      const denominator = v['denominator'] === undefined ? undefined : checkedCondition(c, `${path}.denominator`, v['denominator'], budget);
      const bound = typeof v['lowerBound'] === 'number' ? { lowerBound: v['lowerBound'] } : typeof v['upperBound'] === 'number' ? { upperBound: v['upperBound'] } : {};
      return numerator && { fn: 'ratio', numerator, ...(denominator ? { denominator } : {}), ...bound };
    }
    default:
      return { fn: fn as 'sum', field: v['field'] as 'duration_ms', ...w };
  }
}

/** Durations read and bounded, a hop dividing its window; the shape is `WindowRuleDocument`'s. */
function windowSpec(c: Collector, v: unknown): WindowSpec {
  const fallback: WindowSpec = { type: 'tumbling', sizeMs: 60_000 };
  if (!isObj(v)) return fallback;
  switch (v['type']) {
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
    default: return fallback;
  }
}

const orDefault = <T>(v: unknown, kind: 'string' | 'boolean', def: T): T => (typeof v === kind ? (v as T) : def);

function windowRule(c: Collector, v: Obj, id: string): WindowRule {
  const budget = new ConditionBudget();
  const keyRaw = v['key'];
  const key = (Array.isArray(keyRaw) ? keyRaw : [keyRaw]).filter((k): k is CallField => (CALL_FIELDS as readonly unknown[]).includes(k));
  const measures: Record<string, Measure> = {};
  const rawMeasures = isObj(v['measures']) ? v['measures'] : {};
  for (const [name, m] of Object.entries(rawMeasures)) {
    const parsed = measure(c, `measures.${name}`, m, budget);
    if (parsed) measures[name] = parsed;
  }
  const when: Threshold[] = [];
  const rawWhen = Array.isArray(v['when']) ? v['when'] as unknown[] : [];
  rawWhen.forEach((t: unknown, i: number) => {
    if (!isObj(t)) return;
    if (!Object.hasOwn(rawMeasures, String(t['measure']))) return c.add(`when[${i}].measure`, `must name a declared measure, got ${show(t['measure'])}`);
    when.push({ measure: String(t['measure']), op: t['op'] as ComparisonOp, value: t['value'] as number });
  });
  return {
    id, type: 'window',
    description: orDefault(v['description'], 'string', ''),
    severity: v['severity'] as Severity,
    enabled: orDefault(v['enabled'], 'boolean', true),
    key,
    window: windowSpec(c, v['window']),
    filter: v['filter'] === undefined ? undefined : checkedCondition(c, 'filter', v['filter'], budget),
    measures, when,
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? DURATIONS['cooldown'].default, 'cooldown'),
    victims: orDefault(v['victims'], 'boolean', true),
  };
}

function otpRule(c: Collector, v: Obj, id: string): OtpAfterCallRule {
  return {
    id, type: 'otp_after_call',
    description: orDefault(v['description'], 'string', ''),
    severity: v['severity'] as Severity,
    enabled: orDefault(v['enabled'], 'boolean', true),
    withinMs: duration(c, 'within', v['within'] ?? DURATIONS['within'].default, 'within'),
    suspicious: checkedCondition(c, 'suspicious', v['suspicious'], new ConditionBudget()) ?? { ref: 'dno' },
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? DURATIONS['otp.cooldown'].default, 'otp.cooldown'),
  };
}

function settings(c: Collector, v: unknown): EngineSettings {
  const s = isObj(v) ? v : {};
  const d = (key: 'allowedLateness' | 'maxEventTimeJump' | 'victimMinDuration' | 'victimLookback' | 'victimFollow'): number => {
    const bound = `settings.${key}` as const;
    return duration(c, bound, s[key] ?? DURATIONS[bound].default, bound);
  };
  const n = (key: keyof typeof INTEGER_SETTINGS): number => (typeof s[key] === 'number' ? s[key] : INTEGER_SETTINGS[key].default);
  return {
    allowedLatenessMs: d('allowedLateness'),
    maxEventTimeJumpMs: d('maxEventTimeJump'),
    victimMinDurationMs: d('victimMinDuration'),
    victimLookbackMs: d('victimLookback'),
    victimFollowMs: d('victimFollow'),
    victimLogMaxCalls: n('victimLogMaxCalls'),
    escalateOnAgreement: orDefault(s['escalateOnAgreement'], 'boolean', true),
    evidenceSize: n('evidenceSize'),
  };
}

export interface RulePackReading {
  /** Told of each deprecated spelling still accepted (a duration without its unit), naming rule and field. */
  onDeprecated?: (notice: string) => void;
}

/** A problem with the part of the pack it belongs to: the pack (-2), its settings (-1) or rule i. */
interface Located extends RulePackProblem {
  owner: number;
}

/** The order a rule's problems are listed in: the order an analyst reads a rule (what it counts, then how). */
const FIELD_ORDER = ['', 'id', 'type', 'key', 'measures', 'when', 'description', 'severity', 'enabled', 'window', 'filter', 'within', 'suspicious', 'cooldown', 'victims'];
const fieldRank = (path: string): number => {
  const i = FIELD_ORDER.indexOf(path.split(/[.[]/)[0] ?? '');
  // A field the declaration does not know (a typo) is listed before the known ones, as a reader meets it first.
  return i < 0 ? 0.5 : i;
};

/** `rules[3].window.size` → rule `fanout` (or `#3`), field `window.size`; settings and the pack keep their full path. */
function locate(at: string[], message: string, labels: readonly string[]): Located {
  const field = (segments: string[]): string =>
    segments.reduce((p, seg) => (/^\d+$/.test(seg) ? `${p}[${seg}]` : p === '' ? seg : `${p}.${seg}`), '');
  if (at[0] === 'rules' && at.length > 1) {
    const i = Number(at[1]);
    return { owner: i, rule: labels[i] ?? `#${i}`, path: field(at.slice(2)), message };
  }
  if (at[0] === 'settings') return { owner: -1, rule: 'settings', path: field(at), message };
  return { owner: -2, rule: 'pack', path: field(at), message };
}

/**
 * Validates raw JSON (or YAML) into a RulePack; throws RulePackError naming every bad rule and field.
 * The shape is checked against the declaration (`RulePackDocument`); what a schema cannot say
 * (duration bounds, thresholds naming declared measures, a hop dividing its window, condition depth
 * and size, conditions comparing a field with values of its kind, ids used once) is checked here.
 */
export function validateRulePack(raw: unknown, reading: RulePackReading = {}): RulePack {
  if (!isObj(raw)) throw new RulePackError([{ rule: 'pack', path: '', message: 'must be a JSON object' }]);
  const rawRules = Array.isArray(raw['rules']) && raw['rules'].length <= LIMITS.rules ? raw['rules'] as unknown[] : [];
  const labels = rawRules.map((r, i) => (isObj(r) && typeof r['id'] === 'string' && ID.test(r['id']) ? r['id'] : `#${i}`));
  const notices: string[] = [];
  const found: Located[] = [];
  const s = new Collector('settings', notices);
  const parsedSettings = settings(s, raw['settings']);
  found.push(...s.problems.map((p) => ({ ...p, owner: -1 })));
  const rules: Rule[] = [];
  const seen = new Set<string>();
  rawRules.forEach((r: unknown, i: number) => {
    if (!isObj(r)) return;
    const id = labels[i]!;
    const c = new Collector(id, notices);
    if (!id.startsWith('#')) {
      if (seen.has(id)) c.add('id', 'is used by another rule');
      seen.add(id);
    }
    if (r['type'] === 'otp_after_call') rules.push(otpRule(c, r, id));
    else rules.push(windowRule(c, r, id));
    found.push(...c.problems.map((p) => ({ ...p, owner: i })));
  });
  // The validator's own words come first: of two problems at one field, theirs is the more precise.
  // A document nested deeper than any good pack was refused above (a condition too deep), and is not
  // walked again: the schema's walk is recursive.
  const reported = new Set(found.map((p) => `${p.owner}|${p.path}`));
  // Rules past the limit are refused as too many, not each checked.
  const bounded = Array.isArray(raw['rules']) && raw['rules'].length > LIMITS.rules ? { ...raw, rules: raw['rules'].slice(0, LIMITS.rules + 1) } : raw;
  const structure = nestsDeeperThan(raw, MAX_DOCUMENT_DEPTH) && found.length > 0 ? [] : structureProblems(RulePackDocument, bounded, MAX_PROBLEMS + 1);
  for (const { at, message } of structure) {
    const p = locate(at, message, labels);
    if (!reported.has(`${p.owner}|${p.path}`)) found.push(p), reported.add(`${p.owner}|${p.path}`);
  }
  const problems: RulePackProblem[] = found
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.owner - b.p.owner || (a.p.owner >= 0 ? fieldRank(a.p.path) - fieldRank(b.p.path) : 0) || a.i - b.i)
    .map(({ p: { rule, path, message } }) => ({ rule, path, message }));
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.length = MAX_PROBLEMS;
    // The structure check stops once there are more problems than are shown: then the count is a floor.
    problems.push({ rule: 'pack', path: '', message: `and ${structure.length > MAX_PROBLEMS ? 'at least ' : ''}${more} more problems` });
  }
  if (problems.length > 0) throw new RulePackError(problems);
  for (const notice of notices) reading.onDeprecated?.(notice);
  return { version: 1, name: typeof raw['name'] === 'string' ? raw['name'] : 'unnamed', settings: parsedSettings, rules };
}
