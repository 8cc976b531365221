import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RulePackError, type WindowRule } from '@telfraud/core';
import { loadRulePackFile } from './rule-pack-loader.js';

const YAML_PACK = `# tuned on last week's traffic
version: 1
name: yaml-pack
settings:
  allowedLateness: 2m
rules:
  - id: burst
    severity: HIGH
    key: [ingress_trunk]
    window: { type: sliding, size: 60s, hop: 10s }
    measures:
      starts: { fn: count, where: { field: type, eq: START } }
    when:
      - { measure: starts, op: '>=', value: 20 }
`;

const dir = mkdtempSync(path.join(tmpdir(), 'telfraud-rules-'));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('loadRulePackFile', () => {
  it('reads YAML by extension, and by content when the file does not start as JSON', () => {
    for (const file of [write('pack.yaml', YAML_PACK), write('pack.yml', YAML_PACK), write('pack.rules', YAML_PACK)]) {
      const pack = loadRulePackFile(file);
      expect(pack.name).toBe('yaml-pack');
      expect(pack.settings.allowedLatenessMs).toBe(120_000);
      expect((pack.rules[0] as WindowRule).when).toEqual([{ measure: 'starts', op: '>=', value: 20 }]);
    }
  });

  it('reads JSON, and validates YAML like JSON (rule and field named)', () => {
    expect(loadRulePackFile(write('pack.json', JSON.stringify({ version: 1, name: 'j', rules: [] }))).name).toBe('j');
    const bad = write('bad.yaml', YAML_PACK.replace('eq: START', 'eq: BEGIN'));
    expect(() => loadRulePackFile(bad)).toThrow(RulePackError);
    expect(() => loadRulePackFile(bad)).toThrow(/rule burst: measures\.starts\.where\.eq/);
  });

  it('names the file when it cannot be parsed', () => {
    expect(() => loadRulePackFile(write('broken.json', '{"version": 1,'))).toThrow(/cannot read rule pack .*broken\.json/);
    expect(() => loadRulePackFile(write('broken.yaml', 'rules: [\n'))).toThrow(/cannot read rule pack .*broken\.yaml/);
  });
});
