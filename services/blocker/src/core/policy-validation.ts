import { bareDurationNotice, readDuration, type Severity } from '@telfraud/core';
import { PipelineError, compileSchema, formatProblem, showValue, type SchemaProblem } from '@telfraud/common';
import {
  DEFAULT_BLOCKABLE_ENTITY_TYPES, DEFAULT_EMERGENCY_NUMBERS, NEVER_BLOCKABLE, normaliseNumber,
  type Policy, type PolicyAction, type PolicyRule,
} from './policy.js';
import { MAX_EXPIRY_MS, MIN_EXPIRY_MS, PolicyDocument } from './policy-schema.js';

/** Every problem of a policy document at once, each naming the rule and the field. */
export class PolicyError extends PipelineError {
  constructor(readonly problems: string[]) {
    super('POLICY_INVALID', `invalid blocking policy:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

const policySchema = compileSchema(PolicyDocument);

/** `rules[2] "r1": actions.HIGH: ...`: a problem inside a rule names the rule by index and id. */
function wording(doc: unknown, p: SchemaProblem): string {
  if (p.kind === 'unknown-key' && p.parent === '') return `policy: ${formatProblem(p)}`;
  const m = /^rules\[(\d+)\](?:\.(.*))?$/.exec(p.kind === 'unknown-key' ? p.parent : p.path);
  if (!m) return formatProblem(p);
  const rule = (doc as { rules: unknown[] }).rules[Number(m[1])] as { rule_id?: unknown } | undefined;
  const id = typeof rule?.rule_id === 'string' && rule.rule_id !== '' ? ` "${rule.rule_id}"` : '';
  const where = `rules[${m[1]}]${id}`;
  if (p.kind === 'unknown-key') {
    const parent = m[2] ?? '';
    return `${where}: ${formatProblem({ ...p, parent, path: parent === '' ? p.key ?? '' : `${parent}.${p.key ?? ''}` })}`;
  }
  return m[2] === undefined ? `${where}: ${formatProblem({ ...p, path: '' })}` : `${where}: ${formatProblem({ ...p, path: m[2] })}`;
}

function duration(where: string, value: string | number | undefined, fallback: number, problems: string[], notices: string[]): number {
  if (value === undefined) return fallback;
  const reading = readDuration(value, 'ms');
  const ms = reading?.ms;
  if (reading?.bare) notices.push(bareDurationNotice(where, value, 'ms'));
  if (ms === undefined || ms < MIN_EXPIRY_MS || ms > MAX_EXPIRY_MS) {
    problems.push(`${where}: expected a duration between 1s and 30d such as "24h" or "90m", got ${showValue(value)}`);
    return fallback;
  }
  return ms;
}

/** Validates a parsed policy document; throws one PolicyError listing every problem. */
export function validatePolicy(raw: unknown, onDeprecated?: (notice: string) => void): Policy {
  const checked = policySchema.check(raw);
  if (!checked.ok) throw new PolicyError(checked.problems.map((p) => wording(raw, p)));
  const doc = checked.value;
  const problems: string[] = [];
  const notices: string[] = [];
  const defaults = doc.defaults ?? {};
  const defaultExpiryMs = duration('defaults.expiry', defaults.expiry, 86_400_000, problems, notices);
  const extendMinStepMs = duration('defaults.extend_min_step', defaults.extend_min_step, 3_600_000, problems, notices);

  const blockable = doc.blockable_entity_types ?? [...DEFAULT_BLOCKABLE_ENTITY_TYPES];
  for (const t of blockable) {
    if ((NEVER_BLOCKABLE as readonly string[]).includes(t)) problems.push(`blockable_entity_types: "${t}" is the victim side of a call and can never be blocked`);
  }
  const emergency = (doc.emergency_numbers ?? [...DEFAULT_EMERGENCY_NUMBERS]).map(normaliseNumber);
  const allowlist = new Map<string, Set<string>>();
  for (const entry of doc.allowlist ?? []) allowlist.set(entry.entity_type, (allowlist.get(entry.entity_type) ?? new Set()).add(entry.entity));

  const rules = new Map<string, PolicyRule>();
  let fallback: PolicyRule | undefined;
  doc.rules.forEach((r, i) => {
    const where = `rules[${i}] "${r.rule_id}"`;
    const announcement = r.announcement ?? defaults.announcement;
    const actions = r.actions as Partial<Record<Severity, PolicyAction>>;
    if (Object.values(actions).includes('divert') && announcement === undefined) {
      problems.push(`${where}: announcement: a rule that diverts needs an announcement (here or in defaults.announcement)`);
    }
    const rule: PolicyRule = {
      ruleId: r.rule_id, actions, announcement,
      expiryMs: duration(`${where}: expiry`, r.expiry, defaultExpiryMs, problems, notices),
      extendMinStepMs: duration(`${where}: extend_min_step`, r.extend_min_step, extendMinStepMs, problems, notices),
    };
    if (rules.has(rule.ruleId) || (rule.ruleId === '*' && fallback)) problems.push(`${where}: rule_id: appears more than once`);
    if (rule.ruleId === '*') fallback = rule;
    else rules.set(rule.ruleId, rule);
  });
  if (problems.length > 0) throw new PolicyError(problems);
  for (const notice of notices) onDeprecated?.(notice);
  return {
    name: doc.name ?? 'unnamed', defaultExpiryMs, extendMinStepMs, blockableEntityTypes: new Set(blockable), emergencyNumbers: emergency,
    allowlist, rules, fallback,
  };
}
