import { describe, expect, it } from 'vitest';
import { PipelineError } from '../errors.js';
import type { ConsumedRecord } from '../kafka/kafka-port.js';
import { decodeRecords, type RecordDecoder } from './record-decoding.js';

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
