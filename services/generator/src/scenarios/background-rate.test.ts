import { describe, expect, it } from 'vitest';
import { buildSimulation } from '../simulation/build-simulation.js';

function countCallEvents(rate: number, horizonMs: number): number {
  const { engine } = buildSimulation({
    seed: 8, startTs: Date.UTC(2026, 0, 1), horizonMs, backgroundRate: rate, scenarios: [], delivery: { lateShare: 0, duplicateShare: 0 },
  });
  let n = 0;
  for (let e = engine.next(); e; e = engine.next()) if (e.topic === 'call-events') n++;
  return n;
}

describe('background rate', () => {
  it.each([
    [5, 20 * 60_000],
    [50, 5 * 60_000],
    // Thousands a second: several calls share a millisecond rather than being capped at 1000/s.
    [4_000, 30_000],
  ])('produces about %d call events per simulated second', (rate, horizonMs) => {
    const expected = (rate * horizonMs) / 1000;
    const n = countCallEvents(rate, horizonMs);
    expect(n).toBeGreaterThan(expected * 0.9);
    expect(n).toBeLessThan(expected * 1.1);
  });
});
