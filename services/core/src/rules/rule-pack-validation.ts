import { CALL_FIELDS, SEVERITIES, type CallField, type Severity } from '../events.js';
import { parseDuration } from '../duration.js';
import {
  DEFAULT_SETTINGS,
  type ComparisonOp, type Condition, type EngineSettings, type Measure, type OtpAfterCallRule,
  type Rule, type RulePack, type Threshold, type WindowRule, type WindowSpec,
} from './rule-pack.js';

export interface RulePackProblem {
  /** Rule id (or index) the problem is in; `settings` or `pack` otherwise. */
  rule: string;
  path: string;
  message: string;
}

export class RulePackError extends Error {
  constructor(readonly problems: RulePackProblem[]) {
    super(`invalid rule pack:\n${problems.map((p) => `  rule ${p.rule}: ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'RulePackError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const REFS = ['dno', 'home_cli_from_abroad', 'home_country_ingress', 'allowlisted', 'neighbour_cli'];
const PHONE_FIELDS = ['calling_number', 'called_number'];
const OPS: ComparisonOp[] = ['>=', '>', '<=', '<'];
const FIELD_OPS = ['eq', 'ne', 'in', 'notIn', 'prefix', 'gt', 'gte', 'lt', 'lte'];
const NUMERIC_FIELDS = ['duration_ms', 'sip_code'];
const WINDOW_RULE_KEYS = ['id', 'type', 'description', 'severity', 'enabled', 'key', 'window', 'filter', 'measures', 'when', 'cooldown', 'victims'];
const OTP_RULE_KEYS = ['id', 'type', 'description', 'severity', 'enabled', 'within', 'suspicious', 'cooldown'];
const WINDOW_KEYS = ['type', 'size', 'hop', 'gap', 'max'];
const MEASURE_KEYS = ['fn', 'field', 'where', 'numerator', 'denominator', 'dropDigits', 'lowerBound', 'upperBound'];
const SETTINGS_KEYS = ['allowedLateness', 'victimMinDuration', 'victimLookback', 'victimFollow', 'victimLogMaxCalls', 'escalateOnAgreement', 'evidenceSize'];

class Collector {
  readonly problems: RulePackProblem[] = [];
  constructor(public rule = 'pack') {}
  add(path: string, message: string): void {
    this.problems.push({ rule: this.rule, path, message });
  }
}

/** A misspelt property would otherwise be ignored silently (e.g. `filtr` widening a rule to all traffic). */
function unknownKeys(c: Collector, prefix: string, v: Obj, allowed: string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) c.add(prefix + k, `is not a known field (${allowed.join(', ')})`);
}

function field(c: Collector, path: string, v: unknown): CallField | undefined {
  if (typeof v === 'string' && (CALL_FIELDS as readonly string[]).includes(v)) return v as CallField;
  c.add(path, `must be a call-event field (${CALL_FIELDS.join(', ')}), got ${JSON.stringify(v)}`);
  return undefined;
}

function duration(c: Collector, path: string, v: unknown, min = 1): number {
  const ms = parseDuration(v);
  if (ms === undefined || ms < min) {
    c.add(path, `must be a duration such as "60s" or "5m" (at least ${min} ms), got ${JSON.stringify(v)}`);
    return min;
  }
  return ms;
}

function condition(c: Collector, path: string, v: unknown): Condition | undefined {
  if (!isObj(v)) return c.add(path, 'must be a condition object'), undefined;
  if ('all' in v || 'any' in v) {
    const k = 'all' in v ? 'all' : 'any';
    const list = v[k];
    if (!Array.isArray(list) || list.length === 0) return c.add(`${path}.${k}`, 'must be a non-empty array'), undefined;
    const items = list.map((x, i) => condition(c, `${path}.${k}[${i}]`, x)).filter((x): x is Condition => x !== undefined);
    return (k === 'all' ? { all: items } : { any: items });
  }
  if ('not' in v) {
    const inner = condition(c, `${path}.not`, v['not']);
    return inner && { not: inner };
  }
  if ('ref' in v) {
    if (typeof v['ref'] !== 'string' || !REFS.includes(v['ref'])) return c.add(`${path}.ref`, `must be one of ${REFS.join(', ')}`), undefined;
    return { ref: v['ref'] as never };
  }
  const f = field(c, `${path}.field`, v['field']);
  const ops = Object.keys(v).filter((k) => k !== 'field');
  if (ops.length !== 1 || !FIELD_OPS.includes(ops[0] ?? '')) return c.add(path, `needs exactly one operator of ${FIELD_OPS.join(', ')}`), undefined;
  const op = ops[0] as string;
  const arg = v[op];
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof arg !== 'number') return c.add(`${path}.${op}`, 'must be a number'), undefined;
  if (['in', 'notIn', 'prefix'].includes(op) && (!Array.isArray(arg) || arg.length === 0)) return c.add(`${path}.${op}`, 'must be a non-empty array'), undefined;
  if (op === 'prefix' && (arg as unknown[]).some((x) => typeof x !== 'string')) return c.add(`${path}.prefix`, 'must be strings'), undefined;
  return f && ({ field: f, [op]: arg } as Condition);
}

function measure(c: Collector, path: string, v: unknown): Measure | undefined {
  if (!isObj(v)) return c.add(path, 'must be a measure object'), undefined;
  unknownKeys(c, `${path}.`, v, MEASURE_KEYS);
  const where = v['where'] === undefined ? undefined : condition(c, `${path}.where`, v['where']);
  const w = where ? { where } : {};
  if (v['dropDigits'] !== undefined && v['fn'] !== 'distinct' && v['fn'] !== 'distinct_ratio') c.add(`${path}.dropDigits`, 'applies only to distinct and distinct_ratio');
  const bounds = ['lowerBound', 'upperBound'].filter((k) => v[k] !== undefined);
  if (bounds.length > 0 && v['fn'] !== 'ratio') c.add(`${path}.${bounds[0]!}`, 'applies only to ratio');
  if (bounds.length > 1) c.add(`${path}.upperBound`, 'give lowerBound or upperBound, not both');
  for (const k of bounds) {
    const b = v[k];
    if (typeof b !== 'number' || !(b > 0.5 && b < 1)) c.add(`${path}.${k}`, 'must be a confidence above 0.5 and below 1, such as 0.95');
  }
  switch (v['fn']) {
    case 'count': return { fn: 'count', ...w };
    case 'distinct':
    case 'distinct_ratio': {
      const f = field(c, `${path}.field`, v['field']);
      const drop = v['dropDigits'];
      if (drop === undefined) return f && { fn: v['fn'], field: f, ...w };
      if (typeof drop !== 'number' || !Number.isInteger(drop) || drop < 1 || drop > 8) return c.add(`${path}.dropDigits`, 'must be an integer from 1 to 8'), undefined;
      if (f && !PHONE_FIELDS.includes(f)) return c.add(`${path}.dropDigits`, `applies only to a phone-number field (${PHONE_FIELDS.join(', ')})`), undefined;
      return f && { fn: v['fn'], field: f, ...w, dropDigits: drop };
    }
    case 'ratio': {
      const numerator = condition(c, `${path}.numerator`, v['numerator']);
      const denominator = v['denominator'] === undefined ? undefined : condition(c, `${path}.denominator`, v['denominator']);
      const bound = typeof v['lowerBound'] === 'number' ? { lowerBound: v['lowerBound'] } : typeof v['upperBound'] === 'number' ? { upperBound: v['upperBound'] } : {};
      return numerator && { fn: 'ratio', numerator, ...(denominator ? { denominator } : {}), ...bound };
    }
    case 'sum': case 'avg': case 'max': case 'min': {
      if (!NUMERIC_FIELDS.includes(String(v['field']))) return c.add(`${path}.field`, `must be one of ${NUMERIC_FIELDS.join(', ')}`), undefined;
      return { fn: v['fn'], field: v['field'] as 'duration_ms', ...w };
    }
    default:
      c.add(`${path}.fn`, 'must be one of count, distinct, distinct_ratio, ratio, sum, avg, max, min');
      return undefined;
  }
}

function windowSpec(c: Collector, v: unknown): WindowSpec {
  if (!isObj(v)) return c.add('window', 'must be an object'), { type: 'tumbling', sizeMs: 60_000 };
  unknownKeys(c, 'window.', v, WINDOW_KEYS);
  switch (v['type']) {
    case 'sliding': {
      const sizeMs = duration(c, 'window.size', v['size']);
      const hopMs = duration(c, 'window.hop', v['hop'] ?? '5s');
      if (sizeMs % hopMs !== 0) c.add('window.hop', `must divide window.size (${sizeMs} ms) evenly`);
      if (sizeMs / hopMs > 360) c.add('window.hop', 'gives more than 360 buckets per window; use a larger hop');
      return { type: 'sliding', sizeMs, hopMs };
    }
    case 'tumbling': return { type: 'tumbling', sizeMs: duration(c, 'window.size', v['size']) };
    case 'session': return { type: 'session', gapMs: duration(c, 'window.gap', v['gap']), maxMs: duration(c, 'window.max', v['max'] ?? '24h') };
    default:
      c.add('window.type', 'must be sliding, tumbling or session');
      return { type: 'tumbling', sizeMs: 60_000 };
  }
}

function severity(c: Collector, v: unknown): Severity {
  if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  c.add('severity', `must be one of ${SEVERITIES.join(', ')}`);
  return 'LOW';
}

function windowRule(c: Collector, v: Obj, id: string): WindowRule {
  unknownKeys(c, '', v, WINDOW_RULE_KEYS);
  const keyRaw = v['key'];
  const keys = Array.isArray(keyRaw) ? keyRaw : [keyRaw];
  if (keys.length === 0 || keys.length > 3) c.add('key', 'must name 1 to 3 call-event fields');
  const key = keys.map((k, i) => field(c, `key[${i}]`, k)).filter((k): k is CallField => k !== undefined);
  const measures: Record<string, Measure> = {};
  if (!isObj(v['measures']) || Object.keys(v['measures']).length === 0) c.add('measures', 'must be an object of named measures');
  else for (const [name, m] of Object.entries(v['measures'])) {
    const parsed = measure(c, `measures.${name}`, m);
    if (parsed) measures[name] = parsed;
  }
  const when: Threshold[] = [];
  if (!Array.isArray(v['when']) || v['when'].length === 0) c.add('when', 'must be a non-empty array of {measure, op, value}');
  else v['when'].forEach((t: unknown, i: number) => {
    if (!isObj(t)) return c.add(`when[${i}]`, 'must be an object');
    if (typeof t['measure'] !== 'string' || !Object.hasOwn(measures, t['measure'])) return c.add(`when[${i}].measure`, `must name a declared measure, got ${JSON.stringify(t['measure'])}`);
    if (!OPS.includes(t['op'] as ComparisonOp)) return c.add(`when[${i}].op`, `must be one of ${OPS.join(' ')}`);
    if (typeof t['value'] !== 'number' || !Number.isFinite(t['value'])) return c.add(`when[${i}].value`, 'must be a finite number');
    when.push({ measure: t['measure'], op: t['op'] as ComparisonOp, value: t['value'] });
  });
  return {
    id, type: 'window',
    description: typeof v['description'] === 'string' ? v['description'] : '',
    severity: severity(c, v['severity']),
    enabled: v['enabled'] !== false,
    key,
    window: windowSpec(c, v['window']),
    filter: v['filter'] === undefined ? undefined : condition(c, 'filter', v['filter']),
    measures, when,
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? '15m', 1_000),
    victims: v['victims'] !== false,
  };
}

function otpRule(c: Collector, v: Obj, id: string): OtpAfterCallRule {
  unknownKeys(c, '', v, OTP_RULE_KEYS);
  return {
    id, type: 'otp_after_call',
    description: typeof v['description'] === 'string' ? v['description'] : '',
    severity: severity(c, v['severity']),
    enabled: v['enabled'] !== false,
    withinMs: duration(c, 'within', v['within'] ?? '10m'),
    suspicious: condition(c, 'suspicious', v['suspicious']) ?? { ref: 'dno' },
    cooldownMs: duration(c, 'cooldown', v['cooldown'] ?? '1h', 1_000),
  };
}

function settings(c: Collector, v: unknown): EngineSettings {
  if (v === undefined) return { ...DEFAULT_SETTINGS };
  if (!isObj(v)) return c.add('settings', 'must be an object'), { ...DEFAULT_SETTINGS };
  unknownKeys(c, 'settings.', v, SETTINGS_KEYS);
  const d = (key: string, def: number, min = 0): number => (v[key] === undefined ? def : duration(c, `settings.${key}`, v[key], min));
  const n = (key: string, def: number): number => {
    const x = v[key];
    if (x === undefined) return def;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) return c.add(`settings.${key}`, 'must be a non-negative integer'), def;
    return x;
  };
  return {
    allowedLatenessMs: d('allowedLateness', DEFAULT_SETTINGS.allowedLatenessMs),
    victimMinDurationMs: d('victimMinDuration', DEFAULT_SETTINGS.victimMinDurationMs),
    victimLookbackMs: d('victimLookback', DEFAULT_SETTINGS.victimLookbackMs),
    victimFollowMs: d('victimFollow', DEFAULT_SETTINGS.victimFollowMs),
    victimLogMaxCalls: n('victimLogMaxCalls', DEFAULT_SETTINGS.victimLogMaxCalls),
    escalateOnAgreement: v['escalateOnAgreement'] === undefined ? DEFAULT_SETTINGS.escalateOnAgreement : v['escalateOnAgreement'] === true,
    evidenceSize: n('evidenceSize', DEFAULT_SETTINGS.evidenceSize),
  };
}

/** Validates raw JSON into a RulePack; throws RulePackError naming every bad rule and field. */
export function validateRulePack(raw: unknown): RulePack {
  const pack = new Collector('pack');
  if (!isObj(raw)) throw new RulePackError([{ rule: 'pack', path: '', message: 'must be a JSON object' }]);
  if (raw['version'] !== 1) pack.add('version', 'must be 1');
  const problems = pack.problems;
  const s = new Collector('settings');
  const parsedSettings = settings(s, raw['settings']);
  problems.push(...s.problems);
  const rules: Rule[] = [];
  const seen = new Set<string>();
  if (!Array.isArray(raw['rules'])) problems.push({ rule: 'pack', path: 'rules', message: 'must be an array' });
  else raw['rules'].forEach((r: unknown, i: number) => {
    const id = isObj(r) && typeof r['id'] === 'string' && /^[a-z0-9][a-z0-9._-]{0,63}$/.test(r['id']) ? r['id'] : undefined;
    const c = new Collector(id ?? `#${i}`);
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
  if (problems.length > 0) throw new RulePackError(problems);
  return { version: 1, name: typeof raw['name'] === 'string' ? raw['name'] : 'unnamed', settings: parsedSettings, rules };
}
