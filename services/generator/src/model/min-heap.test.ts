import { describe, expect, it } from 'vitest';
import { MinHeap } from './min-heap.js';
import { Rng } from './prng.js';

describe('MinHeap', () => {
  it('pops in key order, equal keys first-in first-out', () => {
    const heap = new MinHeap<string>();
    const rng = new Rng('heap');
    const items = Array.from({ length: 2000 }, (_, i) => ({ key: rng.int(50), id: `i${i}` }));
    for (const it of items) heap.push(it.key, it.id);
    const expected = [...items].sort((a, b) => a.key - b.key).map((i) => i.id);
    const out: string[] = [];
    for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
    expect(out).toEqual(expected);
    expect(heap.size).toBe(0);
    expect(heap.peekKey()).toBeUndefined();
  });
});
