import { readFileSync } from 'node:fs';
import { DEFAULT_RULE_PACK, validateRulePack, type RulePack } from '@telfraud/core';

/** Loads and validates a JSON rule pack; the default pack when no file is given. */
export function loadRulePackFile(file: string | undefined): RulePack {
  if (!file) return DEFAULT_RULE_PACK;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read rule pack ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return validateRulePack(raw);
}
