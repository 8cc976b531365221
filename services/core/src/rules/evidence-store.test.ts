import { describe, expect, it } from 'vitest';
import { EvidenceStore } from './evidence-store.js';

/** The rule evaluator's former per-key array, as the model. */
function model(size: number, ids: string[]): string[] {
  const ev: string[] = [];
  for (const id of ids) {
    if (ev[ev.length - 1] !== id && !ev.includes(id)) {
      ev.push(id);
      if (ev.length > size) ev.shift();
    }
  }
  return ev;
}

describe('EvidenceStore', () => {
  it.each([0, 1, 3, 10])('keeps the last %d distinct call ids, oldest first, as the per-key array did', (size) => {
    const ids = ['a', 'a', 'b', 'c', 'b', 'd', 'e', 'a', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'l'];
    const store = new EvidenceStore(size);
    store.ensure(2);
    store.init(0);
    store.init(1);
    for (const id of ids) store.add(0, id);
    store.add(1, 'other');
    expect(store.list(0)).toEqual(model(size, ids));
    expect(store.list(1)).toEqual(size === 0 ? [] : ['other']);
  });

  it('frees a released key\'s records for the next key of that slot', () => {
    const store = new EvidenceStore(3);
    store.ensure(1);
    store.init(0);
    for (const id of ['a', 'b', 'c']) store.add(0, id);
    const full = store.bytes();
    store.release(0);
    expect(store.list(0)).toEqual([]);
    for (const id of ['x', 'y', 'z']) store.add(0, id);
    expect(store.list(0)).toEqual(['x', 'y', 'z']);
    expect(store.bytes()).toBe(full);
  });
});
