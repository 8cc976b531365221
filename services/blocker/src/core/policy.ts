import type { Severity } from '@telfraud/core';

/** What the policy may ask for an alert. `divert` sends the origin's calls to an announcement. */
export const POLICY_ACTIONS = ['block', 'divert', 'notify', 'none'] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

/** Entity types that can never be made blockable: they are the people being defrauded. */
export const NEVER_BLOCKABLE = ['called_number', 'recipient_number', 'victim_number'] as const;

export const DEFAULT_BLOCKABLE_ENTITY_TYPES = ['ingress_trunk', 'calling_number'] as const;
export const DEFAULT_EMERGENCY_NUMBERS = ['999', '112', '911', '+44999', '+44112', '+1911'] as const;

export interface PolicyRule {
  /** A detector rule id, or `*` for every rule without an entry of its own. */
  ruleId: string;
  actions: Partial<Record<Severity, PolicyAction>>;
  expiryMs: number;
  /** A repeat alert extends a block only when it moves the expiry by at least this much. */
  extendMinStepMs: number;
  announcement: string | undefined;
}

/** A validated policy (see policy-validation.ts for the JSON form). */
export interface Policy {
  name: string;
  defaultExpiryMs: number;
  extendMinStepMs: number;
  blockableEntityTypes: ReadonlySet<string>;
  /** Exact numbers, normalised; entries ending in `*` are prefixes (stored without the `*`). */
  emergencyNumbers: readonly string[];
  /** entity_type → values never to block, from the policy file and the reference allowlist.csv. */
  allowlist: ReadonlyMap<string, ReadonlySet<string>>;
  rules: ReadonlyMap<string, PolicyRule>;
  fallback: PolicyRule | undefined;
}

export interface PolicyVerdict {
  action: PolicyAction;
  expiryMs: number;
  extendMinStepMs: number;
  announcement: string | undefined;
  /** The policy entry that decided: a rule id, `*`, or `(none)` when no entry matched. */
  matched: string;
}

/** The policy's answer for one alert, before any guard rail. */
export function evaluatePolicy(policy: Policy, ruleId: string, severity: Severity): PolicyVerdict {
  const rule = policy.rules.get(ruleId) ?? policy.fallback;
  if (!rule) return { action: 'none', expiryMs: policy.defaultExpiryMs, extendMinStepMs: policy.extendMinStepMs, announcement: undefined, matched: '(none)' };
  return {
    action: rule.actions[severity] ?? 'none',
    expiryMs: rule.expiryMs,
    extendMinStepMs: rule.extendMinStepMs,
    announcement: rule.announcement,
    matched: rule.ruleId,
  };
}

/** Strips formatting and turns a leading international `00` into `+`. */
export function normaliseNumber(value: string): string {
  const compact = value.replace(/[\s\-().]/g, '');
  return compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
}

/** Merges allowlists (policy file entries and the reference directory's allowlist.csv). */
export function mergeAllowlists(...lists: ReadonlyMap<string, ReadonlySet<string>>[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const list of lists) {
    for (const [type, values] of list) {
      const set = out.get(type) ?? new Set<string>();
      for (const v of values) set.add(v);
      out.set(type, set);
    }
  }
  return out;
}
