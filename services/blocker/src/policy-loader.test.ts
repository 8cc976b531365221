import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@telfraud/common';
import { isAllowlisted } from './core/guard-rails.js';
import { loadPolicy } from './policy-loader.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

const dir = (): string => mkdtempSync(path.join(tmpdir(), 'blocker-policy-'));

describe('loadPolicy', () => {
  it('loads the shipped default policy when no file is given', () => {
    expect(loadPolicy(undefined, undefined).name).toBe('default');
  });

  it('adds the reference directory\'s allowlist.csv to the policy\'s allowlist', () => {
    const ref = dir();
    writeFileSync(path.join(ref, 'allowlist.csv'), 'entity_type,entity,reason\ningress_trunk,gb-bank-a-outbound,bank call centre\n');
    const policy = loadPolicy(undefined, ref);
    expect(isAllowlisted(policy, 'ingress_trunk', 'gb-bank-a-outbound')).toBe(true);
    expect(isAllowlisted(policy, 'calling_number', 'gb-bank-a-outbound')).toBe(false);
  });

  it('turns policy problems into a ConfigError naming the file, rule and field', () => {
    const file = path.join(dir(), 'policy.json');
    writeFileSync(file, JSON.stringify({ version: 1, rules: [{ rule_id: 'r1', actions: { HIGH: 'nuke' } }] }));
    expect(thrownBy(ConfigError, () => loadPolicy(file, undefined)).problems)
      .toEqual([expect.objectContaining({ env: 'BLOCKER_POLICY_FILE', value: file, expected: expect.stringContaining('rules[0] "r1": actions.HIGH') })]);
  });

  it('refuses an unreadable file and a bad allowlist', () => {
    expect(() => loadPolicy(path.join(dir(), 'missing.json'), undefined)).toThrow(/BLOCKER_POLICY_FILE/);
    const ref = dir();
    writeFileSync(path.join(ref, 'allowlist.csv'), 'entity_type,entity,reason\nnot_a_field,x,y\n');
    expect(() => loadPolicy(undefined, ref)).toThrow(/BLOCKER_REFERENCE_DIR/);
  });
});
