import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { compatibilityProblems, parseCompatibilityLevel, type CompatibilityLevel } from './compatibility.js';

const record = (fields: unknown[], name = 'R') => avro.Type.forSchema({ type: 'record', name, fields } as avro.Schema);
const field = (name: string, type: unknown, extra: Record<string, unknown> = {}) => ({ name, type, ...extra });

const v1 = record([field('a', 'string')]);
const cases: { name: string; old: avro.Type; next: avro.Type; backward: boolean; forward: boolean }[] = [
  { name: 'identical schema', old: v1, next: record([field('a', 'string')]), backward: true, forward: true },
  { name: 'add a field with a default', old: v1, next: record([field('a', 'string'), field('b', 'int', { default: 0 })]), backward: true, forward: true },
  { name: 'add a field without a default', old: v1, next: record([field('a', 'string'), field('b', 'int')]), backward: false, forward: true },
  { name: 'remove a field', old: record([field('a', 'string'), field('b', 'int')]), next: v1, backward: true, forward: false },
  { name: 'remove a field that had a default', old: record([field('a', 'string'), field('b', 'int', { default: 1 })]), next: v1, backward: true, forward: true },
  { name: 'change a field type string to int', old: v1, next: record([field('a', 'int')]), backward: false, forward: false },
  { name: 'widen int to long', old: record([field('n', 'int')]), next: record([field('n', 'long')]), backward: true, forward: false },
  { name: 'make a field nullable', old: v1, next: record([field('a', ['null', 'string'])]), backward: true, forward: false },
  {
    name: 'add an enum symbol',
    old: avro.Type.forSchema({ type: 'enum', name: 'E', symbols: ['A', 'B'] }),
    next: avro.Type.forSchema({ type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] }),
    backward: true,
    forward: false,
  },
  { name: 'rename the record', old: v1, next: record([field('a', 'string')], 'Other'), backward: false, forward: false },
];

const expected = (level: CompatibilityLevel, c: (typeof cases)[number]): boolean => {
  if (level === 'NONE') return true;
  if (level.startsWith('BACKWARD')) return c.backward;
  if (level.startsWith('FORWARD')) return c.forward;
  return c.backward && c.forward;
};

describe('compatibilityProblems against one earlier version', () => {
  const levels: CompatibilityLevel[] = ['NONE', 'BACKWARD', 'FORWARD', 'FULL', 'BACKWARD_TRANSITIVE', 'FORWARD_TRANSITIVE', 'FULL_TRANSITIVE'];
  for (const c of cases) {
    for (const level of levels) {
      it(`${c.name}: ${level} → ${expected(level, c) ? 'compatible' : 'incompatible'}`, () => {
        const problems = compatibilityProblems(level, c.next, [{ version: 1, type: c.old }]);
        expect(problems.length === 0).toBe(expected(level, c));
      });
    }
  }
});

describe('transitive levels', () => {
  // v1 has `b` without default, v2 dropped it, v3 (candidate) adds `c` with a default.
  const history = [
    { version: 1, type: record([field('a', 'string'), field('b', 'int')]) },
    { version: 2, type: record([field('a', 'string')]) },
  ];
  const candidate = record([field('a', 'string'), field('c', 'int', { default: 0 })]);

  it('FORWARD looks at the latest version only', () => {
    expect(compatibilityProblems('FORWARD', candidate, history)).toEqual([]);
  });

  it('FORWARD_TRANSITIVE checks every version and names the one that fails', () => {
    const problems = compatibilityProblems('FORWARD_TRANSITIVE', candidate, history);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('version 1');
  });

  it('BACKWARD_TRANSITIVE fails when an old writer lacks a default-less field', () => {
    const strict = record([field('a', 'string'), field('b', 'int')]);
    expect(compatibilityProblems('BACKWARD', strict, [history[1]!, { version: 3, type: strict }])).toEqual([]);
    expect(compatibilityProblems('BACKWARD_TRANSITIVE', strict, [history[1]!, { version: 3, type: strict }])).toHaveLength(1);
  });

  it('a subject without versions accepts anything', () => {
    expect(compatibilityProblems('FULL_TRANSITIVE', candidate, [])).toEqual([]);
  });
});

describe('parseCompatibilityLevel', () => {
  it.each([
    ['backward', 'BACKWARD'],
    ['FULL_TRANSITIVE', 'FULL_TRANSITIVE'],
    ['None', 'NONE'],
    ['bogus', undefined],
    [42, undefined],
  ])('%s → %s', (input, level) => {
    expect(parseCompatibilityLevel(input)).toBe(level);
  });
});
