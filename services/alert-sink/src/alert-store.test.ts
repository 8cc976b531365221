import { describe, expect, it } from 'vitest';
import { toStoreError } from './alert-store.js';

describe('toStoreError', () => {
  it.each([
    [new Error('Code: 60, e.displayText() = DB::Exception: Table fraud.alerts doesn\'t exist., e.what() = DB::Exception'), 'CLICKHOUSE_REJECTED', 'CH_60'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }), 'CLICKHOUSE_UNAVAILABLE', 'ECONNREFUSED'],
    [Object.assign(new Error('Unknown table'), { code: '60' }), 'CLICKHOUSE_REJECTED', 'CH_60'],
    [new Error('Timeout error.'), 'CLICKHOUSE_UNAVAILABLE', 'TIMEOUT'],
    [new Error('socket hang up'), 'CLICKHOUSE_UNAVAILABLE', 'ECONNRESET'],
    ['something odd', 'CLICKHOUSE_UNAVAILABLE', 'UNKNOWN'],
  ])('classifies %s', (thrown, code, detail) => {
    const error = toStoreError(thrown);
    expect(error.code).toBe(code);
    expect(error.detail).toBe(detail);
    expect(error.retryable).toBe(true);
  });
});
