import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, type RegistryRecord } from './log-records.js';

describe('log records', () => {
  const records: RegistryRecord[] = [
    { kind: 'SCHEMA', subject: 's-value', version: 2, id: 7, schema: '"string"', deleted: false },
    { kind: 'CONFIG', subject: 's-value', compatibility: 'FULL' },
    { kind: 'CONFIG', subject: null, compatibility: 'NONE' },
    { kind: 'DELETE_SUBJECT', subject: 's-value', version: 2 },
  ];

  it.each(records)('round-trips $kind', (record) => {
    const { key, value } = encodeRecord(record);
    expect(decodeRecord(key, value)).toEqual({ ok: true, record });
  });

  it('writes keys and values as Confluent does', () => {
    expect(encodeRecord(records[0]!)).toEqual({
      key: '{"keytype":"SCHEMA","subject":"s-value","version":2,"magic":1}',
      value: '{"subject":"s-value","version":2,"id":7,"schema":"\\"string\\"","deleted":false}',
    });
    expect(encodeRecord(records[2]!).key).toBe('{"keytype":"CONFIG","subject":null,"magic":0}');
    expect(encodeRecord(records[1]!).value).toBe('{"compatibilityLevel":"FULL"}');
  });

  it('reads tombstones', () => {
    expect(decodeRecord('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', null)).toEqual({
      ok: true,
      record: { kind: 'SCHEMA_TOMBSTONE', subject: 's', version: 1 },
    });
    expect(decodeRecord('{"keytype":"CONFIG","subject":"s","magic":0}', null)).toEqual({
      ok: true,
      record: { kind: 'CONFIG', subject: 's', compatibility: null },
    });
  });

  it.each([
    ['no key', null, '{}'],
    ['a key that is not JSON', 'oops', '{}'],
    ['an unknown keytype', '{"keytype":"MODE","magic":0}', '{"mode":"READWRITE"}'],
    ['a non-Avro schema', '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"subject":"s","version":1,"id":1,"schema":"{}","schemaType":"JSON"}'],
    ['a SCHEMA without id', '{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}', '{"schema":"\\"int\\""}'],
    ['an unknown level', '{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"SIDEWAYS"}'],
  ])('reports %s instead of throwing', (_what, key, value) => {
    const result = decodeRecord(key, value);
    expect(result.ok).toBe(false);
  });
});
