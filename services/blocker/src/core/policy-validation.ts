import { parseDuration, SEVERITIES, type Severity } from '@telfraud/core';
import {
  DEFAULT_BLOCKABLE_ENTITY_TYPES, DEFAULT_EMERGENCY_NUMBERS, NEVER_BLOCKABLE, POLICY_ACTIONS, normaliseNumber,
  type Policy, type PolicyAction, type PolicyRule,
} from './policy.js';

/** Every problem of a policy document at once, each naming the rule and the field. */
export class PolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid blocking policy:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

const TOP_KEYS = ['version', 'name', 'description', 'defaults', 'blockable_entity_types', 'emergency_numbers', 'allowlist', 'rules'];
const DEFAULT_KEYS = ['expiry', 'extend_min_step', 'announcement'];
const RULE_KEYS = ['rule_id', 'description', 'actions', 'expiry', 'extend_min_step', 'announcement'];
const MIN_EXPIRY_MS = 1_000;
const MAX_EXPIRY_MS = 30 * 86_400_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function unknownKeys(where: string, obj: Obj, allowed: string[], problems: string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push(`${where}: unknown field "${k}" (allowed: ${allowed.join(', ')})`);
}

function duration(where: string, value: unknown, fallback: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value);
  if (ms === undefined || ms < MIN_EXPIRY_MS || ms > MAX_EXPIRY_MS) {
    problems.push(`${where}: expected a duration between 1s and 30d such as "24h" or "90m", got ${show(value)}`);
    return fallback;
  }
  return ms;
}

function optionalString(where: string, value: unknown, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  problems.push(`${where}: expected a non-empty string, got ${show(value)}`);
  return undefined;
}

function stringList(where: string, value: unknown, fallback: readonly string[], problems: string[]): string[] {
  if (value === undefined) return [...fallback];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' && v.trim() !== '')) return value as string[];
  problems.push(`${where}: expected an array of non-empty strings, got ${show(value)}`);
  return [...fallback];
}

interface RuleDefaults {
  expiryMs: number;
  extendMinStepMs: number;
  announcement: string | undefined;
}

function parseRule(raw: unknown, index: number, defaults: RuleDefaults, problems: string[]): PolicyRule | undefined {
  if (!isObj(raw)) {
    problems.push(`rules[${index}]: expected an object, got ${show(raw)}`);
    return undefined;
  }
  const id = raw['rule_id'];
  const where = typeof id === 'string' && id !== '' ? `rules[${index}] "${id}"` : `rules[${index}]`;
  if (typeof id !== 'string' || id === '') problems.push(`${where}: rule_id: expected a rule id or "*", got ${show(id)}`);
  unknownKeys(where, raw, RULE_KEYS, problems);
  const actions: Partial<Record<Severity, PolicyAction>> = {};
  const rawActions = raw['actions'];
  if (!isObj(rawActions)) {
    problems.push(`${where}: actions: expected an object such as {"HIGH": "block"}, got ${show(rawActions)}`);
  } else {
    for (const [sev, act] of Object.entries(rawActions)) {
      if (!(SEVERITIES as readonly string[]).includes(sev)) problems.push(`${where}: actions.${sev}: unknown severity (expected ${SEVERITIES.join(', ')})`);
      else if (!(POLICY_ACTIONS as readonly unknown[]).includes(act)) problems.push(`${where}: actions.${sev}: expected one of ${POLICY_ACTIONS.join(', ')}, got ${show(act)}`);
      else actions[sev as Severity] = act as PolicyAction;
    }
  }
  const announcement = optionalString(`${where}: announcement`, raw['announcement'], problems) ?? defaults.announcement;
  if (Object.values(actions).includes('divert') && announcement === undefined) {
    problems.push(`${where}: announcement: a rule that diverts needs an announcement (here or in defaults.announcement)`);
  }
  const expiryMs = duration(`${where}: expiry`, raw['expiry'], defaults.expiryMs, problems);
  const extendMinStepMs = duration(`${where}: extend_min_step`, raw['extend_min_step'], defaults.extendMinStepMs, problems);
  return { ruleId: typeof id === 'string' ? id : '', actions, expiryMs, extendMinStepMs, announcement };
}

function parseAllowlist(value: unknown, problems: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (value === undefined) return out;
  if (!Array.isArray(value)) {
    problems.push(`allowlist: expected an array of {entity_type, entity, reason}, got ${show(value)}`);
    return out;
  }
  value.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry['entity_type'] !== 'string' || typeof entry['entity'] !== 'string' || entry['entity'] === '') {
      problems.push(`allowlist[${i}]: expected {entity_type, entity, reason} with non-empty strings, got ${show(entry)}`);
      return;
    }
    const set = out.get(entry['entity_type']) ?? new Set<string>();
    set.add(entry['entity']);
    out.set(entry['entity_type'], set);
  });
  return out;
}

/** Validates a parsed policy document; throws one PolicyError listing every problem. */
export function validatePolicy(doc: unknown): Policy {
  const problems: string[] = [];
  if (!isObj(doc)) throw new PolicyError([`expected a JSON object, got ${show(doc)}`]);
  unknownKeys('policy', doc, TOP_KEYS, problems);
  if (doc['version'] !== 1) problems.push(`version: expected 1, got ${show(doc['version'])}`);
  const name = optionalString('name', doc['name'], problems) ?? 'unnamed';
  const rawDefaults = doc['defaults'] ?? {};
  if (!isObj(rawDefaults)) problems.push(`defaults: expected an object, got ${show(rawDefaults)}`);
  const defaults = isObj(rawDefaults) ? rawDefaults : {};
  unknownKeys('defaults', defaults, DEFAULT_KEYS, problems);
  const defaultExpiryMs = duration('defaults.expiry', defaults['expiry'], 86_400_000, problems);
  const extendMinStepMs = duration('defaults.extend_min_step', defaults['extend_min_step'], 3_600_000, problems);
  const announcement = optionalString('defaults.announcement', defaults['announcement'], problems);

  const blockable = stringList('blockable_entity_types', doc['blockable_entity_types'], DEFAULT_BLOCKABLE_ENTITY_TYPES, problems);
  for (const t of blockable) {
    if ((NEVER_BLOCKABLE as readonly string[]).includes(t)) problems.push(`blockable_entity_types: "${t}" is the victim side of a call and can never be blocked`);
  }
  const emergency = stringList('emergency_numbers', doc['emergency_numbers'], DEFAULT_EMERGENCY_NUMBERS, problems).map(normaliseNumber);
  const allowlist = parseAllowlist(doc['allowlist'], problems);

  const rules = new Map<string, PolicyRule>();
  let fallback: PolicyRule | undefined;
  const rawRules = doc['rules'];
  if (!Array.isArray(rawRules)) problems.push(`rules: expected an array of rules, got ${show(rawRules)}`);
  else {
    rawRules.forEach((raw, i) => {
      const rule = parseRule(raw, i, { expiryMs: defaultExpiryMs, extendMinStepMs, announcement }, problems);
      if (!rule || rule.ruleId === '') return;
      if (rules.has(rule.ruleId) || (rule.ruleId === '*' && fallback)) problems.push(`rules[${i}] "${rule.ruleId}": rule_id: appears more than once`);
      if (rule.ruleId === '*') fallback = rule;
      else rules.set(rule.ruleId, rule);
    });
  }
  if (problems.length > 0) throw new PolicyError(problems);
  return {
    name, defaultExpiryMs, extendMinStepMs, blockableEntityTypes: new Set(blockable), emergencyNumbers: emergency,
    allowlist, rules, fallback,
  };
}
