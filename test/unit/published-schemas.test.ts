/**
 * The JSON Schemas under schemas/ are generated from the declarations the services validate with,
 * so they cannot drift. `npm run -s schemas` (UPDATE_DOCS=1) rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulePackSchemaText } from '@telfraud/core';
import { policySchemaText } from '../../services/blocker/src/core/policy-schema.js';
import { ROOT } from '../support/stack.js';

const PUBLISHED: [file: string, text: () => string][] = [
  ['schemas/rule-pack.schema.json', rulePackSchemaText],
  ['schemas/blocking-policy.schema.json', policySchemaText],
];

describe('published JSON Schemas', () => {
  it.each(PUBLISHED)('%s is generated from its declaration (regenerate: npm run -s schemas)', (file, text) => {
    const target = path.join(ROOT, file);
    if (process.env['UPDATE_DOCS'] === '1') writeFileSync(target, text());
    expect(readFileSync(target, 'utf8')).toBe(text());
  });
});
