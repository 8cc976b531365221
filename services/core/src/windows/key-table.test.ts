import { describe, expect, it } from 'vitest';
import { hash32 } from '../stable-hash.js';
import { hash32Colliders } from '../test-support/hash32-colliders.js';
import { KeyTable, stringHash32 } from './key-table.js';
import { prng } from '../test-support/seeded-random.js';

describe('KeyTable', () => {
  it('gives each entity its own slot and finds it again', () => {
    const t = new KeyTable();
    const a = t.insert('+447700900001');
    const b = t.insert('+447700900002');
    expect(a).not.toBe(b);
    expect(t.find('+447700900001')).toBe(a);
    expect(t.find('+447700900002')).toBe(b);
    expect(t.find('+447700900003')).toBe(-1);
    expect(t.keyAt(b)).toBe('+447700900002');
    expect(t.size).toBe(2);
  });

  it('reuses a freed slot, and the freed entity is gone', () => {
    const t = new KeyTable();
    const a = t.insert('a');
    t.insert('b');
    t.remove(a);
    expect(t.find('a')).toBe(-1);
    expect(t.keyAt(a)).toBeUndefined();
    expect(t.insert('c')).toBe(a);
    expect(t.find('b')).not.toBe(-1);
    expect(t.size).toBe(2);
  });

  it('keeps 150 numbers sharing one FNV-1a hash apart: a chosen collision costs probes, never a merge', () => {
    const colliding = hash32Colliders(150);
    // The table's hash is FNV-1a with a bijective finaliser, so these collide in it too.
    expect(new Set(colliding.map(stringHash32)).size).toBe(1);
    expect(new Set(colliding.map(hash32)).size).toBe(1);
    const t = new KeyTable();
    const slots = colliding.map((k) => t.insert(k));
    expect(new Set(slots).size).toBe(150);
    colliding.forEach((k, i) => expect(t.find(k)).toBe(slots[i]));
    // Removing from the middle of the probe run keeps the rest reachable (backward shift).
    for (let i = 0; i < 150; i += 3) t.remove(slots[i]!);
    colliding.forEach((k, i) => expect(t.find(k)).toBe(i % 3 === 0 ? -1 : slots[i]));
  });

  it('keeps entities apart even when every key hashes alike', () => {
    const t = new KeyTable(() => 7);
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const slots = keys.map((k) => t.insert(k));
    keys.forEach((k, i) => expect(t.find(k)).toBe(slots[i]));
    t.remove(slots[10]!);
    expect(t.find('k10')).toBe(-1);
    expect(t.find('k39')).toBe(slots[39]);
  });

  it.each([1, 2, 3])('matches a Map through random inserts and removes (seed %d)', (seed) => {
    const rnd = prng(seed);
    const t = new KeyTable();
    const model = new Map<string, number>();
    let mismatches = 0;
    for (let step = 0; step < 20_000; step++) {
      const k = `+4477${Math.floor(rnd() * 3_000)}`;
      const slot = t.find(k);
      if (slot !== (model.get(k) ?? -1)) mismatches++;
      if (slot < 0) model.set(k, t.insert(k));
      else if (rnd() < 0.6) {
        t.remove(slot);
        model.delete(k);
      }
    }
    expect(mismatches).toBe(0);
    expect(t.size).toBe(model.size);
    for (const [k, s] of model) expect(t.find(k)).toBe(s);
    expect([...t.slots()].sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
  });

  it('does not grow its slots while freed ones can be reused', () => {
    const t = new KeyTable();
    for (let round = 0; round < 100; round++) {
      const slots = Array.from({ length: 100 }, (_, i) => t.insert(`r${round}-${i}`));
      for (const s of slots) t.remove(s);
    }
    expect(t.size).toBe(0);
    expect(t.slotCapacity).toBe(128);
  });
});
