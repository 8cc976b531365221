import { describe, expect, it } from 'vitest';
import { createLogger, type ConsumedBatch, type PartitionPositions } from '@telfraud/common';
import { DEFAULT_RULE_PACK, validateRulePack } from '@telfraud/core';
import { PartitionRewind, planRewind, rewindWindowMs, type RewindInput } from './partition-rewind.js';

const MIN = 60_000;

describe('rewindWindowMs', () => {
  it('is the default pack\'s longest span (the 6 h session maximum) plus 3 min allowed lateness', () => {
    expect(rewindWindowMs(DEFAULT_RULE_PACK)).toBe(6 * 60 * MIN + 3 * MIN);
  });

  it('counts sliding and tumbling sizes, OTP `within` and the victim look-back, and skips disabled rules', () => {
    const pack = (rules: Record<string, unknown>[]) => validateRulePack({
      version: 1, name: 't', settings: { allowedLateness: '1m', victimLookback: '5m' },
      rules: rules.map((r) => ({
        severity: 'HIGH',
        ...(r['type'] === 'otp_after_call' ? {} : { key: ['ingress_trunk'], measures: { n: { fn: 'count' } }, when: [{ measure: 'n', op: '>=', value: 1 }] }),
        ...r,
      })),
    });
    expect(rewindWindowMs(pack([{ id: 'a', window: { type: 'sliding', size: '20m', hop: '1m' } }]))).toBe(21 * MIN);
    expect(rewindWindowMs(pack([{ id: 'a', window: { type: 'tumbling', size: '2m' } }]))).toBe(6 * MIN);
    expect(rewindWindowMs(pack([
      { id: 'a', window: { type: 'tumbling', size: '2m' } },
      { id: 'b', type: 'otp_after_call', within: '30m', suspicious: { ref: 'dno' } },
      { id: 'c', enabled: false, window: { type: 'sliding', size: '2h', hop: '1m' } },
    ]))).toBe(31 * MIN);
  });
});

describe('planRewind', () => {
  const base: RewindInput = { rewindMs: 10 * MIN, committed: 500, low: 100, firstOffset: 500, firstTimestamp: 1_000 * MIN, offsetAtTime: 300 };
  it.each<[string, Partial<RewindInput>, ReturnType<typeof planRewind>]>([
    ['rewinds to the offset the broker finds by time', {}, { kind: 'rewind', from: 300, replayBelow: 500, method: 'timestamp' }],
    ['does nothing when disabled', { rewindMs: 0 }, { kind: 'live', reason: 'disabled' }],
    ['does nothing for a group that never committed', { committed: -1 }, { kind: 'live', reason: 'new-group' }],
    ['does nothing when no record is that recent before the committed position', { offsetAtTime: 500 }, { kind: 'live', reason: 'nothing-before' }],
    ['never goes below the log start', { offsetAtTime: 20 }, { kind: 'rewind', from: 100, replayBelow: 500, method: 'timestamp' }],
    ['falls back to the log start when the broker answers past the first record (no time lookup)', { offsetAtTime: 900 }, { kind: 'rewind', from: 100, replayBelow: 500, method: 'log-start' }],
    ['replays up to the committed offset even when the first record read is later', { firstOffset: 520, offsetAtTime: 510 }, { kind: 'live', reason: 'nothing-before' }],
    ['has nothing to replay when the log starts at the committed offset', { low: 500, offsetAtTime: 900 }, { kind: 'live', reason: 'nothing-before' }],
  ])('%s', (_name, patch, expected) => {
    expect(planRewind({ ...base, ...patch })).toEqual(expected);
  });
});

describe('PartitionRewind', () => {
  const batch = (partition: number, offsets: number[], timestamp = 1_000 * MIN): ConsumedBatch => ({
    topic: 'calls', partition, lag: 0,
    records: offsets.map((o) => ({ topic: 'calls', partition, offset: String(o), key: null, value: null, headers: {}, timestamp })),
  });

  function setup(opts: { committed?: number; rewindMs?: number; failLookups?: number } = {}) {
    const seeks: [string, number, number][] = [];
    const lookups: number[] = [];
    let failures = opts.failLookups ?? 0;
    const rewind = new PartitionRewind({
      reader: {
        positions: async (): Promise<PartitionPositions[]> => {
          if (failures > 0) {
            failures--;
            throw new Error('broker down');
          }
          return [0, 1].map((partition) => ({ partition, low: 0, high: 1_000, committed: opts.committed ?? 400 }));
        },
        offsetsAtTime: async (_topic, ts) => {
          lookups.push(ts);
          return [0, 1].map((partition) => ({ partition, offset: 250 }));
        },
      },
      seek: (topic, partition, offset) => seeks.push([topic, partition, offset]),
      groupId: 'g',
      rewindMs: () => opts.rewindMs ?? 10 * MIN,
      logger: createLogger({ level: 'error' }),
    });
    rewind.onAssignment([{ topic: 'calls', partitions: [0, 1] }]);
    return { rewind, seeks, lookups };
  }

  it('seeks a newly assigned partition back on its first batch, replays below the committed offset, then goes live', async () => {
    const { rewind, seeks, lookups } = setup();
    expect(await rewind.rewound(batch(0, [400, 401]))).toBe(true);
    expect(seeks).toEqual([['calls', 0, 250]]);
    expect(lookups).toEqual([1_000 * MIN - 10 * MIN]);
    expect(rewind.replayBelow('calls', 0)).toBe(400);
    expect(rewind.replayBelow('calls', 1)).toBeUndefined();

    expect(await rewind.rewound(batch(0, [250, 251]))).toBe(false);
    rewind.onBatchProcessed('calls', 0, '398');
    expect(rewind.replayBelow('calls', 0)).toBe(400);
    rewind.onBatchProcessed('calls', 0, '399');
    expect(rewind.replayBelow('calls', 0)).toBeUndefined();
    expect(await rewind.rewound(batch(0, [400]))).toBe(false);
    expect(seeks).toHaveLength(1);
  });

  it('does not rewind partitions kept across a reassignment (their state is in memory), but does new ones', async () => {
    const { rewind, seeks } = setup();
    expect(await rewind.rewound(batch(0, [400]))).toBe(true);
    rewind.onBatchProcessed('calls', 0, '450');
    rewind.onAssignment([{ topic: 'calls', partitions: [0] }]);
    expect(await rewind.rewound(batch(0, [451]))).toBe(false);
    rewind.onAssignment([{ topic: 'calls', partitions: [0, 1] }]);
    expect(await rewind.rewound(batch(1, [400]))).toBe(true);
    expect(seeks.map(([, p]) => p)).toEqual([0, 1]);
  });

  it('resumes a replay cut by a rebalance that kept the partition (the consumer restarts it at the committed offset)', async () => {
    const { rewind, seeks } = setup();
    expect(await rewind.rewound(batch(0, [400, 401]))).toBe(true);
    expect(await rewind.rewound(batch(0, [250, 251]))).toBe(false);
    rewind.onBatchProcessed('calls', 0, '300');
    rewind.onAssignment([{ topic: 'calls', partitions: [0] }]);
    // kafkajs resumes every partition of a new generation at the group's committed offset (400):
    // read from there, records 301..399 would never rebuild their state.
    expect(await rewind.rewound(batch(0, [400, 401]))).toBe(true);
    expect(seeks).toEqual([['calls', 0, 250], ['calls', 0, 301]]);
    expect(rewind.replayBelow('calls', 0)).toBe(400);
    expect(await rewind.rewound(batch(0, [301, 302]))).toBe(false);
    rewind.onBatchProcessed('calls', 0, '399');
    expect(rewind.replayBelow('calls', 0)).toBeUndefined();
  });

  it('carries on without seeking when the first batch after a rebalance is where the replay was', async () => {
    const { rewind, seeks } = setup();
    expect(await rewind.rewound(batch(0, [400]))).toBe(true);
    rewind.onBatchProcessed('calls', 0, '300');
    rewind.onAssignment([{ topic: 'calls', partitions: [0, 1] }]);
    expect(await rewind.rewound(batch(0, [301]))).toBe(false);
    expect(rewind.replayBelow('calls', 0)).toBe(400);
    expect(seeks).toHaveLength(1);
  });

  it('never seeks when the rewind is 0 or the group is new', async () => {
    for (const opts of [{ rewindMs: 0 }, { committed: -1 }]) {
      const { rewind, seeks } = setup(opts);
      expect(await rewind.rewound(batch(0, [400]))).toBe(false);
      expect(rewind.replayBelow('calls', 0)).toBeUndefined();
      expect(seeks).toEqual([]);
    }
  });

  it('throws when offsets cannot be read, and tries again on the retried batch', async () => {
    const { rewind, seeks } = setup({ failLookups: 1 });
    await expect(rewind.rewound(batch(0, [400]))).rejects.toThrow('broker down');
    expect(await rewind.rewound(batch(0, [400]))).toBe(true);
    expect(seeks).toEqual([['calls', 0, 250]]);
  });
});
