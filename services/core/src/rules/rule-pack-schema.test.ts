import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rulePackSchemaText } from './rule-pack-declaration.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../../../schemas/rule-pack.schema.json', import.meta.url));


describe('schemas/rule-pack.schema.json', () => {
  it('is the schema generated from the rule-pack declaration (regenerate: npm run -s replay -- --print-rule-schema > schemas/rule-pack.schema.json)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(rulePackSchemaText());
  });
});
