import { describe, expect, it } from 'vitest';
import { FIXED_HASH_SEED, keyedFingerprint, keyedHash53 } from './keyed-hash.js';
import { hash32 } from './stable-hash.js';
import { hash32Colliders } from './test-support/hash32-colliders.js';

describe('keyedHash53 (HalfSipHash-1-3, 64-bit output folded to 53 bits)', () => {
  it('is a deterministic exact integer of at most 53 bits, and depends on the key', () => {
    const a = keyedFingerprint(FIXED_HASH_SEED);
    const b = keyedFingerprint([1, 2]);
    for (const text of ['', 'a', '+447700900001', 'é€x', 'trunk-01']) {
      expect(a(text)).toBe(a(text));
      expect(Number.isSafeInteger(a(text)) && a(text) >= 0).toBe(true);
      expect(a(text)).not.toBe(b(text));
    }
    expect(keyedHash53('+447700900001', 0, 0)).not.toBe(keyedHash53('+447700900002', 0, 0));
    expect(keyedHash53('ab', 0, 0)).not.toBe(keyedHash53('ab\u0000', 0, 0));
  });

  it('separates numbers chosen to collide under the old unkeyed 32-bit hash, whatever the key', () => {
    const colliding = hash32Colliders(150);
    expect(colliding).toHaveLength(150);
    expect(new Set(colliding.map(hash32)).size).toBe(1);
    for (const seed of [FIXED_HASH_SEED, [0xdeadbeef, 0x01234567] as const]) {
      const f = keyedFingerprint(seed);
      expect(new Set(colliding.map(f)).size).toBe(150);
    }
  });
});
