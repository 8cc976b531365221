import { describe, expect, it } from 'vitest';
import { Watermark } from './watermark.js';

const LATE = 60_000;

describe('Watermark over several sources (partitions)', () => {
  it('follows the slowest source still behind, not the fastest', () => {
    const w = new Watermark(LATE);
    w.observe(1_000_000, 'p0');
    w.observe(100_000, 'p1');
    expect(w.value).toBe(100_000 - LATE);
    expect(w.isLate(50_000)).toBe(false);
  });

  it('ignores caught-up sources, and uses the newest event once every source is caught up', () => {
    const w = new Watermark(LATE);
    w.observe(1_000_000, 'p0');
    w.observe(100_000, 'p1');
    w.setCaughtUp('p1', true);
    expect(w.value).toBe(1_000_000 - LATE);
    w.setCaughtUp('p1', false);
    expect(w.value).toBe(100_000 - LATE);
  });

  it('a pending source that has reported nothing holds everything back until it reports', () => {
    const w = new Watermark(LATE);
    w.addPendingSource('p2');
    w.observe(1_000_000, 'p0');
    expect(w.isLate(0)).toBe(false);
    w.observe(900_000, 'p2');
    expect(w.value).toBe(900_000 - LATE);
  });

  it('forgets revoked sources', () => {
    const w = new Watermark(LATE);
    w.observe(1_000_000, 'p0');
    w.observe(100_000, 'p1');
    w.retainSources((s) => s === 'p0');
    expect(w.value).toBe(1_000_000 - LATE);
  });

  it('without sources behaves as one stream: newest event minus lateness', () => {
    const w = new Watermark(LATE);
    w.observe(500_000);
    w.observe(400_000);
    expect(w.value).toBe(500_000 - LATE);
    expect(w.isLate(500_000 - LATE - 1)).toBe(true);
  });
});

describe('Watermark: partitions fed by a repartitioning step', () => {
  it('follows the slowest origin inside a partition, and a partition caught up releases all of its origins', () => {
    const w = new Watermark(0);
    w.addPendingSource('keyed/0');
    expect(w.value).toBe(Number.NEGATIVE_INFINITY);
    w.observe(1_000, 'keyed/0<calls/0');
    w.observe(5_000, 'keyed/0<calls/1');
    expect(w.value).toBe(1_000);
    expect(w.isLate(2_000)).toBe(false);
    w.setCaughtUp('keyed/0', true);
    expect(w.value).toBe(5_000);
    w.setCaughtUp('keyed/0', false);
    w.retainSources((s) => s !== 'keyed/0');
    expect(w.value).toBe(5_000);
  });

  it('a partition kept across a rebalance is not pending again: its origins keep their progress', () => {
    const w = new Watermark(0);
    w.addPendingSource('keyed/0');
    w.observe(1_000, 'keyed/0<calls/0');
    w.observe(5_000, 'keyed/0<calls/1');
    w.addPendingSource('keyed/0'); // the same assignment again after a rebalance
    expect(w.value).toBe(1_000);
    w.observe(2_000, 'keyed/0<calls/0');
    expect(w.value).toBe(2_000);
  });

  it('pending origins of a partition hold the watermark back until each has reported, or the partition is caught up', () => {
    const w = new Watermark(0);
    w.addPendingSource('keyed/0');
    w.addPendingSource('keyed/0<calls/0');
    w.addPendingSource('keyed/0<calls/1');
    w.observe(9_000, 'keyed/0<calls/0');
    expect(w.value).toBe(Number.NEGATIVE_INFINITY); // calls/1 may still send anything
    w.observe(2_000, 'keyed/0<calls/1');
    expect(w.value).toBe(2_000);
    w.addPendingSource('keyed/0<calls/2');
    w.setCaughtUp('keyed/0', true);
    expect(w.value).toBe(9_000);
  });
});
