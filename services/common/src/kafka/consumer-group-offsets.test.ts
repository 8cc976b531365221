import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { ConsumerGroupOffsets } from './consumer-group-offsets.js';
import type { OffsetsReader, PartitionPositions } from './kafka-port.js';

const logger = createLogger({ level: 'error' });

/** A reader answering from a table that the test changes between polls; `undefined`: the broker fails. */
function fakeReader(table: Map<string, PartitionPositions[] | undefined>): OffsetsReader & { closed: boolean } {
  return {
    closed: false,
    positions(groupId: string, topic: string) {
      const rows = table.get(`${groupId}/${topic}`);
      return rows ? Promise.resolve(rows) : Promise.reject(new Error('broker unreachable'));
    },
    offsetsAtTime: () => Promise.resolve([]),
    close() {
      this.closed = true;
      return Promise.resolve();
    },
  };
}

async function values(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(metric.values.map((v) => [`${v.labels['group']} ${v.labels['topic']}/${v.labels['partition']}`, v.value]));
}

describe('ConsumerGroupOffsets', () => {
  it('exports each partition\'s end offset, committed offset and lag, read from the broker on every poll', async () => {
    const table = new Map<string, PartitionPositions[] | undefined>([
      ['g/calls', [{ partition: 0, low: 0, high: 120, committed: 100 }, { partition: 1, low: 5, high: 40, committed: -1 }]],
    ]);
    const registry = new Registry();
    const reader = fakeReader(table);
    const offsets = new ConsumerGroupOffsets({ reader, registry, groups: [{ groupId: 'g', topics: ['calls'] }], intervalMs: 60_000, logger });
    await offsets.poll();
    expect(await values(registry, 'kafka_topic_end_offset')).toEqual({ 'g calls/0': 120, 'g calls/1': 40 });
    expect(await values(registry, 'kafka_consumergroup_committed_offset')).toEqual({ 'g calls/0': 100, 'g calls/1': -1 });
    // Nothing committed yet: everything still in the log is behind.
    expect(await values(registry, 'kafka_consumergroup_lag')).toEqual({ 'g calls/0': 20, 'g calls/1': 35 });

    // A stuck consumer: traffic goes on, nothing is committed, the lag grows.
    table.set('g/calls', [{ partition: 0, low: 0, high: 200, committed: 100 }, { partition: 1, low: 5, high: 90, committed: 40 }]);
    await offsets.poll();
    expect(await values(registry, 'kafka_consumergroup_lag')).toEqual({ 'g calls/0': 100, 'g calls/1': 50 });
    await offsets.close();
    expect(reader.closed).toBe(true);
  });

  it('clears a group\'s series while its offsets cannot be read, and keeps the other groups\'', async () => {
    const table = new Map<string, PartitionPositions[] | undefined>([
      ['a/calls', [{ partition: 0, low: 0, high: 10, committed: 10 }]],
      ['b/alerts', [{ partition: 0, low: 0, high: 7, committed: 3 }]],
    ]);
    const registry = new Registry();
    const offsets = new ConsumerGroupOffsets({
      reader: fakeReader(table), registry, groups: [{ groupId: 'a', topics: ['calls'] }, { groupId: 'b', topics: ['alerts'] }], intervalMs: 60_000, logger,
    });
    await offsets.poll();
    expect(await values(registry, 'kafka_consumergroup_lag')).toEqual({ 'a calls/0': 0, 'b alerts/0': 4 });
    table.set('a/calls', undefined);
    await offsets.poll();
    expect(await values(registry, 'kafka_consumergroup_lag')).toEqual({ 'b alerts/0': 4 });
    expect(await values(registry, 'kafka_topic_end_offset')).toEqual({ 'b alerts/0': 7 });
    table.set('a/calls', [{ partition: 0, low: 0, high: 12, committed: 11 }]);
    await offsets.poll();
    expect(await values(registry, 'kafka_consumergroup_lag')).toEqual({ 'a calls/0': 1, 'b alerts/0': 4 });
    await offsets.close();
  });

  it('closes at once while a poll hangs on an unreachable broker', async () => {
    let closed = false;
    const reader: OffsetsReader = {
      positions: () => new Promise<PartitionPositions[]>(() => {}),
      offsetsAtTime: () => Promise.resolve([]),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    };
    const offsets = new ConsumerGroupOffsets({ reader, registry: new Registry(), groups: [{ groupId: 'g', topics: ['calls'] }], intervalMs: 60_000, logger });
    offsets.start();
    await offsets.close();
    expect(closed).toBe(true);
  });
});
