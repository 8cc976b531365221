import { describe, expect, it } from 'vitest';
import { StringEnum, Type, compileSchema, formatProblem, jsonSchemaText, pointerToPath } from './document-schema.js';

const Doc = Type.Object({
  version: Type.Literal(1),
  items: Type.Array(Type.Object({
    id: Type.String({ minLength: 1, expected: 'an id' }),
    kind: StringEnum(['a', 'b']),
    limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  }, { additionalProperties: false })),
  pair: Type.Optional(Type.Union([Type.String(), Type.Number()], { expected: 'text or a number' })),
}, { additionalProperties: false });
const doc = compileSchema(Doc);

describe('compileSchema', () => {
  it('returns the typed value of a good document', () => {
    const r = doc.check({ version: 1, items: [{ id: 'x', kind: 'a', limit: 3 }] });
    expect(r).toEqual({ ok: true, value: { version: 1, items: [{ id: 'x', kind: 'a', limit: 3 }] } });
  });

  it('reports every problem at once, each naming its field path', () => {
    const r = doc.check({ version: 2, items: [{ id: 'x', kind: 'a' }, { kind: 'c', limit: 11, extra: true }], pair: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map(formatProblem).sort()).toEqual([
      'items[1].id: expected an id, got nothing',
      'items[1].kind: expected one of a, b, got "c"',
      'items[1].limit: expected a value that must be <= 10, got 11',
      'items[1]: unknown field "extra" (allowed: id, kind, limit)',
      'pair: expected text or a number, got []',
      'version: expected 1, got 2',
    ]);
  });

  it('reads JSON pointers as field paths', () => {
    expect(pointerToPath('')).toBe('');
    expect(pointerToPath('/rules/0/actions/HIGH')).toBe('rules[0].actions.HIGH');
    expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
  });

  it('publishes the declaration as a draft-07 JSON Schema with a title', () => {
    const published = JSON.parse(jsonSchemaText(Doc, { title: 't', description: 'd' })) as Record<string, unknown>;
    expect(published).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', title: 't', description: 'd', type: 'object', required: ['version', 'items'] });
  });
});
