import { describe, expect, it } from 'vitest';
import { alertId, periodStart } from './alert-identity.js';
import { hash128Hex, hash32 } from './stable-hash.js';

const P = Date.UTC(2025, 2, 3, 9, 0, 0);
const BASE = ['dno-spoofed-cli-trunk', 'ingress_trunk', 'intl-7', P] as const;

describe('alert identity', () => {
  it('is deterministic: same rule, entity and period give the same 32-hex id', () => {
    const a = alertId(...BASE);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(alertId(...BASE)).toBe(a);
  });

  it.each<[string, [string, string, string, number]]>([
    ['another rule', ['spoofing-campaign-trunk', 'ingress_trunk', 'intl-7', P]],
    ['another entity type', ['dno-spoofed-cli-trunk', 'calling_number', 'intl-7', P]],
    ['another entity', ['dno-spoofed-cli-trunk', 'ingress_trunk', 'intl-8', P]],
    ['another period', ['dno-spoofed-cli-trunk', 'ingress_trunk', 'intl-7', P + 15 * 60_000]],
  ])('differs for %s', (_why, args) => {
    expect(alertId(...args)).not.toBe(alertId(...BASE));
  });

  it('does not confuse field boundaries', () => {
    expect(alertId('r', 'ab', 'c', P)).not.toBe(alertId('r', 'a', 'bc', P));
  });

  it.each([
    [P, 900_000, P],
    [P + 899_999, 900_000, P],
    [P + 900_000, 900_000, P + 900_000],
    [P - 1, 900_000, P - 900_000],
  ])('periodStart(%d, %d) = %d', (ts, period, start) => {
    expect(periodStart(ts, period)).toBe(start);
  });

  it('every event time inside one period maps to one id', () => {
    const ids = new Set([0, 1, 60_000, 899_999].map((d) => alertId('r', 't', 'e', periodStart(P + d, 900_000))));
    expect(ids.size).toBe(1);
  });
});

describe('stable hashes', () => {
  it('hash32 is FNV-1a (known vectors)', () => {
    expect(hash32('')).toBe(0x811c9dc5);
    expect(hash32('a')).toBe(0xe40c292c);
    expect(hash32('foobar')).toBe(0xbf9cf968);
  });

  it('hash128Hex is stable and spreads near-identical inputs', () => {
    expect(hash128Hex('x')).toBe(hash128Hex('x'));
    const ids = new Set(Array.from({ length: 2000 }, (_, i) => hash128Hex(`+4477009${i}`)));
    expect(ids.size).toBe(2000);
    expect(hash128Hex('a')).not.toBe(hash128Hex('b'));
  });
});
