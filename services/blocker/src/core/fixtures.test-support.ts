import type { Alert } from '@telfraud/core';
import { BlockerCore } from './blocker-core.js';
import type { Policy } from './policy.js';
import { validatePolicy } from './policy-validation.js';

export const SEC = 1_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

/** A small policy for tests: blocks on HIGH/CRITICAL, diverts one rule, notifies the victim rule. */
export const TEST_POLICY_DOC = {
  version: 1,
  name: 'test',
  defaults: { expiry: '1h', extend_min_step: '10m', announcement: 'fraud-warning' },
  allowlist: [{ entity_type: 'ingress_trunk', entity: 'bank-callcentre', reason: 'bank outbound' }],
  rules: [
    { rule_id: 'dno-spoofed-cli-trunk', actions: { MEDIUM: 'notify', HIGH: 'block', CRITICAL: 'block' } },
    { rule_id: 'cli-rotation-trunk', actions: { HIGH: 'divert' }, expiry: '30m' },
    { rule_id: 'otp-after-suspicious-call', actions: { CRITICAL: 'notify' } },
    { rule_id: 'victim-blocker-bug', actions: { HIGH: 'block' } },
    { rule_id: '*', actions: { CRITICAL: 'notify' } },
  ],
};

export function testPolicy(patch: Record<string, unknown> = {}): Policy {
  return validatePolicy({ ...TEST_POLICY_DOC, ...patch });
}

export function testCore(options: { dryRun?: boolean; breakerMaxPerMinute?: number; policy?: Policy } = {}): BlockerCore {
  return new BlockerCore(options.policy ?? testPolicy(), { dryRun: options.dryRun ?? false, breakerMaxPerMinute: options.breakerMaxPerMinute ?? 5 });
}

export function alert(patch: Partial<Alert> = {}): Alert {
  return {
    alert_id: 'a1', rule_id: 'dno-spoofed-cli-trunk', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 'nl-voip-03',
    window_start: T0 - 10 * MIN, window_end: T0, ts: T0, value: 5, threshold: 1, summary: 'calls presenting DNO numbers', evidence: ['c1'],
    ...patch,
  };
}
