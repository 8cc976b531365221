import { describe, expect, it } from 'vitest';
import type { RegistryRecord } from './log-records.js';
import { SchemaStore } from './schema-store.js';

const schema = (subject: string, version: number, id: number, text: string, deleted = false): RegistryRecord => ({
  kind: 'SCHEMA',
  subject,
  version,
  id,
  schema: text,
  deleted,
});

function storeWith(...records: RegistryRecord[]): SchemaStore {
  const store = new SchemaStore();
  for (const r of records) store.apply(r);
  return store;
}

describe('SchemaStore', () => {
  it('starts empty with the global BACKWARD default', () => {
    const store = new SchemaStore();
    expect(store.subjectNames()).toEqual([]);
    expect(store.nextId()).toBe(1);
    expect(store.nextVersion('s')).toBe(1);
    expect(store.globalCompatibility()).toBe('BACKWARD');
    expect(store.subjectCompatibility('s')).toBeUndefined();
    expect(store.effectiveCompatibility('s')).toBe('BACKWARD');
  });

  it('indexes schemas by id, subject, version and text', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'), schema('a', 2, 2, '"long"'), schema('b', 1, 1, '"int"'));
    expect(store.schemaById(2)).toBe('"long"');
    expect(store.idOf('"int"')).toBe(1);
    expect(store.version('a', 'latest')).toMatchObject({ version: 2, id: 2 });
    expect(store.version('a', 1)).toMatchObject({ id: 1 });
    expect(store.find('b', '"int"')).toMatchObject({ version: 1, id: 1 });
    expect(store.find('b', '"long"')).toBeUndefined();
    expect(store.usesOf(1)).toEqual([{ subject: 'a', version: 1 }, { subject: 'b', version: 1 }]);
    expect(store.subjectNames()).toEqual(['a', 'b']);
    expect(store.nextId()).toBe(3);
    expect(store.nextVersion('a')).toBe(3);
    expect(store.schemaCount()).toBe(2);
  });

  it.each([
    ['a version taken by another schema', schema('a', 1, 2, '"long"'), /version 1 of a/],
    ['an id naming another schema', schema('b', 1, 1, '"long"'), /id 1 already names/],
    ['a second id for a known schema', schema('b', 1, 5, '"int"'), /already has id 1/],
  ])('ignores %s: the first record in the log wins', (_what, record, reason) => {
    const store = storeWith(schema('a', 1, 1, '"int"'));
    const outcome = store.apply(record);
    expect(outcome.applied).toBe(false);
    expect(outcome.applied ? '' : outcome.reason).toMatch(reason);
    expect(store.version('a', 1)).toMatchObject({ id: 1, schema: '"int"' });
    expect(store.nextId()).toBe(2);
  });

  it('applies the same record twice without harm', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'));
    expect(store.apply(schema('a', 1, 1, '"int"'))).toEqual({ applied: true });
    expect(store.liveVersions('a')).toHaveLength(1);
  });

  it('soft-deletes a subject, keeps its ids and continues its version numbers', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'), schema('a', 2, 2, '"long"'), { kind: 'DELETE_SUBJECT', subject: 'a', version: 2 });
    expect(store.subjectNames()).toEqual([]);
    expect(store.version('a', 'latest')).toBeUndefined();
    expect(store.version('a', 1)).toBeUndefined();
    expect(store.find('a', '"int"')).toBeUndefined();
    expect(store.schemaById(1)).toBe('"int"');
    expect(store.idOf('"int"')).toBe(1);
    expect(store.nextVersion('a')).toBe(3);
  });

  it('a soft delete covers only the versions up to the one named', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'), { kind: 'DELETE_SUBJECT', subject: 'a', version: 1 }, schema('a', 2, 1, '"int"'));
    expect(store.liveVersions('a').map((v) => v.version)).toEqual([2]);
  });

  it('a SCHEMA record with deleted=true on an existing version deletes it (Confluent style)', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'), schema('a', 2, 2, '"long"'), schema('a', 1, 1, '"int"', true));
    expect(store.liveVersions('a').map((v) => v.version)).toEqual([2]);
  });

  it('a SCHEMA tombstone removes the version for good', () => {
    const store = storeWith(schema('a', 1, 1, '"int"'), { kind: 'SCHEMA_TOMBSTONE', subject: 'a', version: 1 });
    expect(store.liveVersions('a')).toEqual([]);
    expect(store.nextVersion('a')).toBe(1);
  });

  it('keeps subject and global compatibility levels; a tombstone removes a subject level', () => {
    const store = storeWith(
      { kind: 'CONFIG', subject: null, compatibility: 'FULL' },
      { kind: 'CONFIG', subject: 'a', compatibility: 'NONE' },
    );
    expect(store.globalCompatibility()).toBe('FULL');
    expect(store.effectiveCompatibility('a')).toBe('NONE');
    expect(store.effectiveCompatibility('b')).toBe('FULL');
    store.apply({ kind: 'CONFIG', subject: 'a', compatibility: null });
    expect(store.subjectCompatibility('a')).toBeUndefined();
    expect(store.effectiveCompatibility('a')).toBe('FULL');
  });

  it('two stores applying the same log agree', () => {
    const log: RegistryRecord[] = [schema('a', 1, 1, '"int"'), schema('a', 1, 2, '"long"'), schema('a', 2, 2, '"long"'), { kind: 'NOOP' }];
    const one = storeWith(...log);
    const two = storeWith(...log);
    expect(one.liveVersions('a')).toEqual(two.liveVersions('a'));
    expect(one.liveVersions('a').map((v) => v.id)).toEqual([1, 2]);
  });
});
