import { describe, expect, it } from 'vitest';
import { CallRegistry, NO_SLOT } from './call-registry.js';

describe('CallRegistry expiry and slots', () => {
  it('forgets exactly the calls whose newest event the watermark passed, wherever the watermark falls in a bucket', () => {
    const r = new CallRegistry();
    r.firstSighting('a', 'START', 1_000);
    r.firstSighting('b', 'START', 4_000);
    r.firstSighting('c', 'START', 2_000);
    r.firstSighting('c', 'END', 25_000); // seen again later: kept past its first bucket
    r.sweep(3_000);
    expect([r.hasSeen('a', 'START'), r.hasSeen('b', 'START'), r.hasSeen('c', 'START'), r.size]).toEqual([false, true, true, 2]);
    r.sweep(4_001);
    expect([r.hasSeen('b', 'START'), r.hasSeen('c', 'END'), r.size]).toEqual([false, true, 1]);
    r.sweep(25_000);
    expect(r.size).toBe(1);
    r.sweep(25_001);
    expect(r.size).toBe(0);
  });

  it('reuses freed slots for new calls without mixing up what was seen', () => {
    const r = new CallRegistry();
    for (let i = 0; i < 3_000; i++) r.firstSighting(`old-${i}`, 'START', i);
    r.sweep(1_000_000);
    expect(r.size).toBe(0);
    for (let i = 0; i < 3_000; i++) expect(r.firstSighting(`new-${i}`, 'ANSWER', 2_000_000 + i)).toBe(true);
    expect(r.hasSeen('new-5', 'START')).toBe(false);
    expect(r.hasSeen('new-5', 'ANSWER')).toBe(true);
    expect(r.slotOf('old-5')).toBe(NO_SLOT);
    expect(r.firstSighting('new-5', 'ANSWER', 2_000_005, r.slotOf('new-5'))).toBe(false);
    expect(r.size).toBe(3_000);
  });
});
