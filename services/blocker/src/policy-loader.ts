import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@telfraud/common';
import { parseAllowlistCsv } from '@telfraud/core';
import { blockerSettings } from './config.js';
import { mergeAllowlists, type Policy } from './core/policy.js';
import { PolicyError, validatePolicy } from './core/policy-validation.js';

/** The policy shipped with the service, used when BLOCKER_POLICY_FILE is unset. */
export const DEFAULT_POLICY_FILE = fileURLToPath(new URL('../policy/default-policy.json', import.meta.url));

function configError(key: 'policyFile' | 'referenceDir', value: string, expected: string[]): ConfigError {
  const env = blockerSettings[key].env;
  return new ConfigError('blocker', expected.map((e) => ({ key, env, value, expected: e })));
}

/**
 * Reads and validates the policy file, and merges the reference directory's allowlist.csv into
 * its allowlist. Every problem becomes a ConfigError naming the file, the rule and the field, so
 * the service refuses to start (exit 2) instead of blocking with a policy it misread.
 */
export function loadPolicy(policyFile: string | undefined, referenceDir: string | undefined, onDeprecated?: (notice: string) => void): Policy {
  const file = policyFile ?? DEFAULT_POLICY_FILE;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw configError('policyFile', file, [`a readable JSON policy file (${err instanceof Error ? err.message : String(err)})`]);
  }
  let policy: Policy;
  try {
    policy = validatePolicy(doc, onDeprecated && ((notice) => onDeprecated(`${file}: ${notice}`)));
  } catch (err) {
    if (err instanceof PolicyError) throw configError('policyFile', file, err.problems.map((p) => `a valid policy: ${p}`));
    throw err;
  }
  if (!referenceDir) return policy;
  if (!existsSync(referenceDir)) throw configError('referenceDir', referenceDir, ['an existing directory']);
  const csv = path.join(referenceDir, 'allowlist.csv');
  if (!existsSync(csv)) return policy;
  try {
    const fromReference = parseAllowlistCsv(readFileSync(csv, 'utf8'), csv);
    return { ...policy, allowlist: mergeAllowlists(policy.allowlist, fromReference) };
  } catch (err) {
    throw configError('referenceDir', referenceDir, [`a valid allowlist.csv (${err instanceof Error ? err.message : String(err)})`]);
  }
}
