import { describe, expect, it } from 'vitest';
import { PipelineError } from '../errors.js';
import type { ConsumedRecord } from '../kafka/kafka-port.js';
import { contractCheck, decodeRecords, type ContractResult, type RecordDecoder } from './record-decoding.js';

const record = (offset: number, value: string | null): ConsumedRecord => ({
  topic: 't', partition: 0, offset: String(offset), key: null, value: value === null ? null : Buffer.from(value), headers: {}, timestamp: 0,
});

const json: RecordDecoder = {
  prepare: () => Promise.resolve(),
  decode: (buffer) => JSON.parse(buffer?.toString('utf8') ?? '') as unknown,
};

describe('decodeRecords', () => {
  it('keeps checked values in order and rejects what does not decode or check, with the reason', () => {
    const records = [record(0, '{"n":1}'), record(1, 'not json'), record(2, '{"n":-1}'), record(3, null), record(4, '{"n":2}')];
    const { values, rejected } = decodeRecords(json, records, (value) => {
      const n = (value as { n: number }).n;
      if (n < 0) throw new PipelineError('CONTRACT_VIOLATION', 'n must not be negative', { path: 'n' });
      return n;
    });
    expect(values).toEqual([1, 2]);
    expect(rejected.map((r) => [r.record.offset, r.error.code, r.error.path])).toEqual([
      ['1', 'DECODE_FAILED', undefined],
      ['2', 'CONTRACT_VIOLATION', 'n'],
      ['3', 'DECODE_FAILED', undefined],
    ]);
  });
});

describe('contractCheck', () => {
  const positive = (value: unknown): ContractResult<number> => {
    const n = (value as { n: unknown }).n;
    return typeof n === 'number' && n > 0 ? { ok: true, value: n } : { ok: false, violation: { path: 'n', message: 'n must be positive' } };
  };

  it('passes the checked value on and turns a violation into CONTRACT_VIOLATION naming the field', () => {
    const { values, rejected } = decodeRecords(json, [record(0, '{"n":3}'), record(1, '{"n":0}')], contractCheck(positive));
    expect(values).toEqual([3]);
    expect(rejected.map((r) => [r.record.offset, r.error.code, r.error.path, r.error.message])).toEqual([['1', 'CONTRACT_VIOLATION', 'n', 'n must be positive']]);
  });
});
