import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from './policy.js';
import { PolicyError, validatePolicy } from './policy-validation.js';
import { TEST_POLICY_DOC } from './fixtures.test-support.js';

const DEFAULT_POLICY = JSON.parse(readFileSync(new URL('../../policy/default-policy.json', import.meta.url), 'utf8')) as unknown;

function problems(doc: unknown): string[] {
  try {
    validatePolicy(doc);
    return [];
  } catch (err) {
    if (err instanceof PolicyError) return err.problems;
    throw err;
  }
}

describe('policy validation', () => {
  it('accepts the shipped default policy: block HIGH/CRITICAL spoofing and campaign rules, notify MEDIUM, never block victims', () => {
    const policy = validatePolicy(DEFAULT_POLICY);
    expect(policy.defaultExpiryMs).toBe(86_400_000);
    for (const rule of ['dno-spoofed-cli-trunk', 'dno-spoofed-cli-number', 'home-cli-from-abroad-trunk', 'home-cli-from-abroad-number', 'spoofing-campaign-trunk', 'spoofing-campaign-cli', 'cli-rotation-trunk']) {
      expect([evaluatePolicy(policy, rule, 'HIGH').action, evaluatePolicy(policy, rule, 'CRITICAL').action, evaluatePolicy(policy, rule, 'MEDIUM').action]).toEqual(['block', 'block', 'notify']);
    }
    expect(evaluatePolicy(policy, 'otp-after-suspicious-call', 'CRITICAL').action).toBe('notify');
    expect(evaluatePolicy(policy, 'some-new-rule', 'CRITICAL')).toMatchObject({ action: 'notify', matched: '*' });
    expect([...policy.blockableEntityTypes]).toEqual(['ingress_trunk', 'calling_number']);
  });

  const bad: { name: string; patch: Record<string, unknown>; problem: RegExp }[] = [
    { name: 'a wrong action names the rule and the field', patch: { rules: [{ rule_id: 'r1', actions: { HIGH: 'blok' } }] }, problem: /^rules\[0\] "r1": actions\.HIGH: expected one of block, divert, notify, none, got "blok"$/ },
    { name: 'an unknown severity', patch: { rules: [{ rule_id: 'r1', actions: { SEVERE: 'block' } }] }, problem: /rules\[0\] "r1": actions\.SEVERE: unknown severity/ },
    { name: 'a missing rule id', patch: { rules: [{ actions: { HIGH: 'block' } }] }, problem: /^rules\[0\]: rule_id: expected a rule id/ },
    { name: 'a bad expiry', patch: { rules: [{ rule_id: 'r1', actions: {}, expiry: 'forever' }] }, problem: /rules\[0\] "r1": expiry: expected a duration/ },
    { name: 'a zero expiry', patch: { defaults: { expiry: '0s' } }, problem: /defaults\.expiry: expected a duration/ },
    { name: 'a typo in a field name', patch: { rules: [{ rule_id: 'r1', actions: {}, expirey: '1h' }] }, problem: /rules\[0\] "r1": unknown field "expirey"/ },
    { name: 'a divert with no announcement', patch: { defaults: {}, rules: [{ rule_id: 'r1', actions: { HIGH: 'divert' } }] }, problem: /rules\[0\] "r1": announcement: a rule that diverts needs an announcement/ },
    { name: 'the victim side made blockable', patch: { blockable_entity_types: ['ingress_trunk', 'called_number'] }, problem: /blockable_entity_types: "called_number" is the victim side/ },
    { name: 'a rule listed twice', patch: { rules: [{ rule_id: 'r1', actions: {} }, { rule_id: 'r1', actions: {} }] }, problem: /rules\[1\] "r1": rule_id: appears more than once/ },
    { name: 'a bad allowlist entry', patch: { allowlist: [{ entity_type: 'ingress_trunk' }] }, problem: /allowlist\[0\]: expected \{entity_type, entity, reason\}/ },
    { name: 'a wrong version', patch: { version: 2 }, problem: /^version: expected 1, got 2$/ },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}`, () => {
      expect(problems({ ...TEST_POLICY_DOC, ...c.patch })).toEqual(expect.arrayContaining([expect.stringMatching(c.problem)]));
    });
  }

  it('reports every problem at once', () => {
    const found = problems({ version: 1, rules: [{ rule_id: 'a', actions: { HIGH: 'x' } }, { rule_id: 'b', actions: { LOW: 'y' } }], extra: true });
    expect(found).toHaveLength(3);
  });
});

describe('policy durations carry their unit', () => {
  it('still reads a bare number as milliseconds, with a notice naming the field', () => {
    const notices: string[] = [];
    const policy = validatePolicy({ ...TEST_POLICY_DOC, defaults: { ...TEST_POLICY_DOC.defaults, expiry: 7_200_000 } }, (n) => notices.push(n));
    expect(policy.defaultExpiryMs).toBe(7_200_000);
    expect(notices).toEqual(['defaults.expiry: the duration 7200000 has no unit and is read as 7200000ms; write "7200000ms" (a bare number is deprecated)']);
  });
});
