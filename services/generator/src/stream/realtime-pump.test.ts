import { describe, expect, it } from 'vitest';
import { buildSimulation } from '../simulation/build-simulation.js';
import type { Emission } from '../model/traffic-engine.js';
import { RealtimePump, type PumpClock } from './realtime-pump.js';

/** A clock that only moves when the pump sleeps. */
function fakeClock(): PumpClock & { t: number } {
  const clock = {
    t: 1_000_000,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

const START = Date.UTC(2026, 0, 1);

function simulation(horizonMs: number) {
  return buildSimulation({ seed: 3, startTs: START, horizonMs, backgroundRate: 30, scenarios: ['ispoof'], campaignStartMs: 20_000, delivery: { lateShare: 0.02, duplicateShare: 0.01 } });
}

describe('RealtimePump', () => {
  it('releases each record only once its arrival time has come, and finishes at the horizon', async () => {
    const clock = fakeClock();
    const { engine } = simulation(60_000);
    const sent: { at: number; batch: Emission[] }[] = [];
    const pump = new RealtimePump({
      engine, clock, simStartTs: START, timeScale: 1, horizonMs: 60_000, batchIntervalMs: 50, maxBatch: 10_000,
      sink: { send: async (batch) => void sent.push({ at: clock.t, batch: [...batch] }) },
    });
    await pump.done;
    expect(pump.status).toBe('FINISHED');
    const all = sent.flatMap((s) => s.batch);
    expect(all.length).toBeGreaterThan(1_500);
    for (const { at, batch } of sent) {
      const simNow = START + (at - 1_000_000);
      for (const e of batch) expect(e.arrival).toBeLessThanOrEqual(simNow);
      // Batches every 50 ms: nothing waits longer than one interval past its arrival.
      expect(simNow - batch[0]!.arrival).toBeLessThanOrEqual(50);
    }
    expect(all.some((e) => e.source === 1)).toBe(true);
    expect(Math.min(...all.filter((e) => e.source === 1).map((e) => e.event.ts))).toBeGreaterThanOrEqual(START + 20_000);
  });

  it('runs faster in simulated time with a time scale, and stops cleanly after the batch in flight', async () => {
    const clock = fakeClock();
    const { engine } = simulation(Number.POSITIVE_INFINITY);
    let delivered = 0;
    let release: (() => void) | undefined;
    const pump = new RealtimePump({
      engine, clock, simStartTs: START, timeScale: 10, horizonMs: Number.POSITIVE_INFINITY, batchIntervalMs: 100, maxBatch: 100_000,
      sink: {
        send: (batch) => {
          if (clock.t - 1_000_000 < 10_000) return Promise.resolve();
          // Hold one batch to check stop() waits for it.
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      },
      onDelivered: () => delivered++,
    });
    while (release === undefined) await new Promise((r) => setImmediate(r));
    const stopping = pump.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    const before = delivered;
    release();
    await stopping;
    expect(pump.status).toBe('STOPPED');
    // 10 wall seconds at scale 10 = 100 simulated seconds of ~30 call events/s.
    expect(before).toBeGreaterThan(2_000);
    expect(delivered).toBeGreaterThan(before);
  });

  it('fails when the sink fails', async () => {
    const { engine } = simulation(60_000);
    const pump = new RealtimePump({
      engine, clock: fakeClock(), simStartTs: START, timeScale: 1, horizonMs: 60_000, batchIntervalMs: 50, maxBatch: 1000,
      sink: { send: () => Promise.reject(new Error('broker down')) },
    });
    await expect(pump.done).rejects.toThrow('broker down');
    expect(pump.status).toBe('FAILED');
    await pump.stop();
  });
});
