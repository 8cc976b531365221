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

  it('a call the watermark passed is gone at once, though forgotten a few at a time', () => {
    const r = new CallRegistry();
    for (let i = 0; i < 20_000; i++) r.firstSighting(`c${i}`, 'START', i); // two expiry buckets
    r.firstSighting('c7', 'END', 50_000); // seen again: stays
    r.sweep(20_000);
    // More calls are due than one sweep forgets: every one of them still answers as unseen.
    expect(r.hasSeen('c19999', 'START')).toBe(false);
    expect(r.firstSighting('c19998', 'START', 30_000)).toBe(true);
    expect(r.hasSeen('c7', 'START')).toBe(true);
    for (let i = 0; i < 100; i++) r.firstSighting(`n${i}`, 'ANSWER', 40_000 + i); // reuse slots while expiry is under way
    expect(r.hasSeen('n42', 'ANSWER')).toBe(true);
    expect(r.hasSeen('n42', 'START')).toBe(false);
    expect(r.size).toBe(102);
    r.sweep(45_000);
    expect(r.size).toBe(1);
    expect(r.hasSeen('c7', 'END')).toBe(true);
  });

  it('never takes one call for another, even when every call id hashes alike', () => {
    const r = new CallRegistry(() => 0);
    for (let i = 0; i < 500; i++) expect(r.firstSighting(`c${i}`, 'START', i)).toBe(true);
    expect(r.firstSighting('c499', 'START', 600)).toBe(false);
    expect(r.firstSighting('c500', 'START', 600)).toBe(true);
    expect(r.size).toBe(501);
  });
});
