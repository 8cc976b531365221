import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from './expiry-queue.js';

const drained = (q: ExpiryQueue, budget: number, visit: (r: number) => void = () => undefined): number[] => {
  const seen: number[] = [];
  q.drain(budget, (r) => {
    seen.push(r);
    visit(r);
  });
  return seen;
};

describe('ExpiryQueue', () => {
  it('makes due only the buckets a cutoff has reached, in filing order', () => {
    const q = new ExpiryQueue(10_000);
    q.file(1, 0);
    q.file(2, 9_999);
    q.file(3, 10_000);
    q.file(4, 25_000);
    expect(q.hasDue).toBe(false);
    q.reach(9_999);
    expect(q.hasDue).toBe(true);
    expect(drained(q, 100)).toEqual([1, 2]);
    expect(q.hasDue).toBe(false);
    // The bucket the cutoff falls in is reached as a whole: the owner refiles what is still live.
    q.reach(10_001);
    expect(drained(q, 100)).toEqual([3]);
    q.reach(40_000);
    expect(drained(q, 100)).toEqual([4]);
  });

  it('works through due records a budget at a time, across lists, and goes on where it stopped', () => {
    const q = new ExpiryQueue(1_000);
    for (let r = 0; r < 10; r++) q.file(r, r < 6 ? 500 : 1_500);
    q.reach(1_999);
    expect(drained(q, 4)).toEqual([0, 1, 2, 3]);
    expect(drained(q, 4)).toEqual([4, 5, 6, 7]);
    expect(q.hasDue).toBe(true);
    expect(drained(q, Number.POSITIVE_INFINITY)).toEqual([8, 9]);
    expect(q.hasDue).toBe(false);
    expect(drained(q, 4)).toEqual([]);
  });

  it('lets the visitor file a record again, due at the next reach of its new bucket', () => {
    const q = new ExpiryQueue(1_000);
    q.file(7, 100);
    q.reach(100);
    expect(drained(q, 10, (r) => q.file(r, 2_500))).toEqual([7]);
    q.reach(1_999);
    expect(drained(q, 10)).toEqual([]);
    q.reach(2_000);
    expect(drained(q, 10)).toEqual([7]);
  });

  it('counts the bytes of filed and due lists, and grows a list past its first capacity', () => {
    const q = new ExpiryQueue(1_000);
    expect(q.bytes()).toBe(0);
    for (let r = 0; r < 100; r++) q.file(r, 0);
    const filed = q.bytes();
    expect(filed).toBeGreaterThanOrEqual(400);
    q.reach(0);
    expect(q.bytes()).toBe(filed);
    expect(drained(q, 1_000)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(q.bytes()).toBe(0);
  });
});
