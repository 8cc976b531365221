import { describe, expect, it } from 'vitest';
import { collectEmissions } from '../simulation/collect-emissions.js';
import { TEST_RUN } from '../test-support/test-runs.js';

/**
 * Measured from the output order alone, as a consumer would: an event is late when its time is more
 * than 4 s behind the largest event time delivered before it (ordinary jitter is capped at 2 s).
 */
function measure(late: number, duplicate: number) {
  const { emissions } = collectEmissions({ ...TEST_RUN, horizonMs: 20 * 60_000, delivery: { lateShare: late, duplicateShare: duplicate } });
  const seen = new Set<string>();
  let maxTs = -Infinity;
  let firsts = 0;
  let lateCount = 0;
  let dups = 0;
  let maxBehind = 0;
  for (const e of emissions) {
    if (seen.has(e.event.event_id)) dups++;
    else {
      seen.add(e.event.event_id);
      firsts++;
      const behind = maxTs - e.event.ts;
      if (behind > 4_000) lateCount++;
      maxBehind = Math.max(maxBehind, behind);
    }
    maxTs = Math.max(maxTs, e.event.ts);
  }
  return { lateShare: lateCount / firsts, dupShare: dups / firsts, maxBehind, firsts };
}

describe('delivery perturbation', () => {
  it('delivers about the configured shares late and twice', () => {
    const m = measure(0.05, 0.03);
    expect(m.firsts).toBeGreaterThan(20_000);
    expect(m.lateShare).toBeGreaterThan(0.04);
    expect(m.lateShare).toBeLessThan(0.06);
    expect(m.dupShare).toBeGreaterThan(0.025);
    expect(m.dupShare).toBeLessThan(0.035);
    // Late means up to about two minutes behind, not more.
    expect(m.maxBehind).toBeLessThanOrEqual(121_000);
    expect(m.maxBehind).toBeGreaterThan(60_000);
  });

  it('with no late share or duplicates, is in event-time order up to small jitter', () => {
    const m = measure(0, 0);
    expect(m.lateShare).toBe(0);
    expect(m.dupShare).toBe(0);
    expect(m.maxBehind).toBeLessThanOrEqual(2_000);
    expect(m.maxBehind).toBeGreaterThan(0);
  });
});
