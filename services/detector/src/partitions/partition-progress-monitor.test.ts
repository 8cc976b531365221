import { describe, expect, it } from 'vitest';
import { createLogger, type PartitionPositions } from '@telfraud/common';
import { DEFAULT_RULE_PACK, DetectionEngine, EMPTY_REFERENCE, type CallEvent } from '@telfraud/core';
import { PartitionProgressMonitor } from './partition-progress-monitor.js';

function setup(positions: () => Promise<PartitionPositions[]>, clock = { now: 100_000 }, onAllQuiet?: () => Promise<void>) {
  const caughtUp = new Map<string, boolean>();
  const engine = {
    retainSources: () => {},
    addPendingSource: () => {},
    setSourceCaughtUp: (_stream: string, source: string, value: boolean) => void caughtUp.set(source, value),
  } as unknown as DetectionEngine;
  const monitor = new PartitionProgressMonitor({
    reader: { positions, offsetsAtTime: async () => [], close: async () => {} },
    groupId: 'g', topics: { calls: 'calls', sms: undefined }, engine: () => engine, fromBeginning: true, intervalMs: 1_000, idleMs: 3_000,
    logger: createLogger({ level: 'error' }), now: () => clock.now, ...(onAllQuiet ? { onAllQuiet } : {}),
  });
  return { monitor, caughtUp };
}

describe('PartitionProgressMonitor', () => {
  it('marks partitions caught up once processed to their end and idle for a while', async () => {
    const clock = { now: 100_000 };
    const { monitor, caughtUp } = setup(async () => [
      { partition: 0, low: 0, high: 10, committed: 10 },
      { partition: 1, low: 0, high: 10, committed: 4 },
    ], clock);
    monitor.onAssignment([{ topic: 'calls', partitions: [0, 1] }]);
    await monitor.poll();
    expect(Object.fromEntries(caughtUp)).toEqual({ 'calls/0': true, 'calls/1': false });
    monitor.onBatchProcessed('calls', 1, '9');
    await monitor.poll();
    expect(caughtUp.get('calls/1'), 'just read: more may already be there').toBe(false);
    clock.now += 3_000;
    await monitor.poll();
    expect(caughtUp.get('calls/1')).toBe(true);
  });

  it('tells when every partition is caught up and idle (the input has ended, for now), and only then', async () => {
    const clock = { now: 100_000 };
    let quiet = 0;
    const { monitor } = setup(async () => [
      { partition: 0, low: 0, high: 10, committed: 10 },
      { partition: 1, low: 0, high: 10, committed: 4 },
    ], clock, async () => void quiet++);
    monitor.onAssignment([{ topic: 'calls', partitions: [0, 1] }]);
    await monitor.poll();
    expect(quiet).toBe(0);
    monitor.onBatchProcessed('calls', 1, '9');
    await monitor.poll();
    expect(quiet).toBe(0);
    clock.now += 3_000;
    await monitor.poll();
    expect(quiet).toBe(1);
  });

  it('counts partitions whose progress cannot be read as behind, so the watermark waits for them', async () => {
    let down = false;
    const { monitor, caughtUp } = setup(async () => {
      if (down) throw new Error('connect ECONNREFUSED');
      return [{ partition: 0, low: 0, high: 10, committed: 10 }];
    });
    monitor.onAssignment([{ topic: 'calls', partitions: [0] }]);
    await monitor.poll();
    expect(caughtUp.get('calls/0')).toBe(true);
    down = true;
    await monitor.poll();
    expect(caughtUp.get('calls/0')).toBe(false);
  });
});

describe('PartitionProgressMonitor with keyed routing', () => {
  it('keeps the sub-sources of origins the router has not routed to their end behind, inside a keyed partition caught up', async () => {
    const calls = new Map<string, boolean>();
    const engine = {
      retainSources: () => {},
      addPendingSource: () => {},
      setSourceCaughtUp: (stream: string, source: string, value: boolean) => void (stream === 'calls' && calls.set(source, value)),
    } as unknown as DetectionEngine;
    const monitor = new PartitionProgressMonitor({
      reader: {
        positions: async (group, topic) => (group === 'g-router'
          ? [{ partition: 0, low: 0, high: 10, committed: 10 }, { partition: 1, low: 0, high: 10, committed: 7 }].filter(() => topic === 'calls')
          : [{ partition: 0, low: 0, high: 5, committed: 5 }]),
        offsetsAtTime: async () => [], close: async () => {},
      },
      groupId: 'g', routerGroupId: 'g-router', topics: { calls: 'calls', sms: undefined, keyed: 'keyed' }, engine: () => engine,
      fromBeginning: true, intervalMs: 1_000, idleMs: 0, logger: createLogger({ level: 'error' }), now: () => 100_000,
    });
    monitor.onAssignment([{ topic: 'keyed', partitions: [0] }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(Object.fromEntries(calls)).toEqual({ 'keyed/0': true, 'keyed/0<calls/1': false });
  });

  it('holds the watermark for an origin not seen yet in a keyed partition: its first records, behind other origins\' newer ones, are not late', async () => {
    const engine = new DetectionEngine(DEFAULT_RULE_PACK, EMPTY_REFERENCE);
    const monitor = new PartitionProgressMonitor({
      reader: {
        positions: async (group, topic) => (group === 'g-router'
          ? (topic === 'calls' ? [0, 1].map((partition) => ({ partition, low: 0, high: 10, committed: 10 })) : [])
          : [{ partition: 0, low: 0, high: 100, committed: 0 }]),
        offsetsAtTime: async () => [], close: async () => {},
      },
      groupId: 'g', routerGroupId: 'g-router', topics: { calls: 'calls', sms: undefined, keyed: 'keyed' }, engine: () => engine,
      fromBeginning: true, intervalMs: 1_000, idleMs: 0, logger: createLogger({ level: 'error' }), now: () => 100_000,
    });
    monitor.onAssignment([{ topic: 'keyed', partitions: [0] }]);
    await monitor.poll();
    const T = Date.UTC(2026, 0, 5, 9, 0, 0);
    const call = (id: string, ts: number): CallEvent => ({
      event_id: `${id}/start`, call_id: id, type: 'START', ts, calling_number: '+442071234567', called_number: '+447700900001',
      ingress_trunk: 'trunk-a', ingress_country: 'GB', attestation: 'NONE', duration_ms: null, sip_code: null,
    });
    const out = { alerts: [], victims: [] };
    // The router of calls/0 ran ahead: 10 minutes of its calls reach keyed/0 before calls/1's first.
    for (let i = 0; i <= 20; i++) expect(engine.processCall(call(`a${i}`, T + i * 30_000), out, 'keyed/0<calls/0', 'ingress_trunk')).toBe('accepted');
    expect(engine.processCall(call('c', T + 60_000), out, 'keyed/0<calls/1', 'ingress_trunk')).toBe('accepted');
    // Now both have reported: the slower one holds the watermark (minus the allowed lateness).
    expect(engine.stats().callWatermark).toBe(T + 60_000 - DEFAULT_RULE_PACK.settings.allowedLatenessMs);
  });
});
