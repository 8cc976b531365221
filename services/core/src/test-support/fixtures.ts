/** Test-only rule, firing and reference-data fixtures. */
import type { Severity } from '../events.js';
import type { ReferenceData } from '../reference/reference-data.js';
import type { Firing } from '../rules/firing.js';
import type { OtpAfterCallRule, RulePack, WindowRule } from '../rules/rule-pack.js';
import { validateRulePack } from '../rules/rule-pack-validation.js';
import { T0 } from './call-builder.js';

export const START = { field: 'type', eq: 'START' } as const;
export const ANSWER = { field: 'type', eq: 'ANSWER' } as const;
export const END = { field: 'type', eq: 'END' } as const;

/** A valid pack from raw rules (each gets severity HIGH unless given). */
export function pack(rules: Record<string, unknown>[], settings?: Record<string, unknown>): RulePack {
  return validateRulePack({ version: 1, name: 'test', ...(settings ? { settings } : {}), rules: rules.map((r) => ({ severity: 'HIGH', ...r })) });
}

/** A validated window rule: id `r`, keyed on ingress_trunk, unless overridden. */
export function windowRule(raw: Record<string, unknown>): WindowRule {
  return pack([{ id: 'r', key: ['ingress_trunk'], ...raw }]).rules[0] as WindowRule;
}

export function otpRule(raw: Record<string, unknown> = {}): OtpAfterCallRule {
  return pack([{ id: 'otp', type: 'otp_after_call', within: '10m', suspicious: { ref: 'dno' }, ...raw }]).rules[0] as OtpAfterCallRule;
}

/** A burst rule: `n` STARTs per trunk within a sliding 60 s / 10 s window. */
export function burstRule(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'burst', key: ['ingress_trunk'],
    window: { type: 'sliding', size: '60s', hop: '10s' },
    measures: { starts: { fn: 'count', where: START } },
    when: [{ measure: 'starts', op: '>=', value: n }],
    ...extra,
  };
}

export function firing(p: Partial<Firing> & { ruleId?: string; entity?: string; severity?: Severity } = {}): Firing {
  return {
    ruleId: 'r1', severity: 'MEDIUM', description: '', entityType: 'ingress_trunk', entity: 'trunk-x',
    windowStart: T0, windowEnd: T0 + 60_000, ts: T0, value: 1, threshold: 1, measures: {}, evidence: [],
    cooldownMs: 15 * 60_000, summary: 's',
    ...p,
  };
}

export const BANK_DNO = ['+443001110001', '+443001110002', '+443001110003', '+443001110004', '+443001110005'];

export function reference(p: {
  dno?: string[];
  allowlist?: Record<string, string[]>;
  network?: boolean;
} = {}): ReferenceData {
  return {
    dno: new Map((p.dno ?? BANK_DNO).map((n) => [n, 'Some Bank plc'])),
    allowlist: new Map(Object.entries(p.allowlist ?? {}).map(([k, v]) => [k, new Set(v)])),
    network: p.network === false ? undefined : { homeCountry: 'GB', homePrefixes: ['+44'], roamingPrefixes: ['+447'] },
  };
}
