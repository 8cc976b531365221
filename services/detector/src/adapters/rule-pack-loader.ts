import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_RULE_PACK, PipelineError, validateRulePack, type RulePack } from '@telfraud/core';

/** YAML by extension; otherwise JSON, or YAML when the text does not start as a JSON object. */
export function parseRulePackText(file: string, text: string): unknown {
  const yaml = /\.ya?ml$/i.test(file) || !text.trimStart().startsWith('{');
  // YAML aliases are capped (the parser's default) so a pack cannot expand into gigabytes.
  return yaml ? parseYaml(text, { maxAliasCount: 100 }) : JSON.parse(text);
}

/** Loads and validates a JSON or YAML rule pack; the default pack when no file is given. */
export function loadRulePackFile(file: string | undefined, onDeprecated?: (notice: string) => void): RulePack {
  if (!file) return DEFAULT_RULE_PACK;
  let raw: unknown;
  try {
    raw = parseRulePackText(file, readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PipelineError('RULE_PACK_INVALID', `cannot read rule pack ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return validateRulePack(raw, onDeprecated ? { onDeprecated: (notice) => onDeprecated(`${file}: ${notice}`) } : {});
}
