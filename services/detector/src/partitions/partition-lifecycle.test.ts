import { describe, expect, it, vi } from 'vitest';
import { createLogger, type ConsumedBatch, type OffsetsReader } from '@telfraud/common';
import type { DetectionEngine } from '@telfraud/core';
import { PartitionLifecycle } from './partition-lifecycle.js';

const MIN = 60_000;

const batch = (offsets: number[]): ConsumedBatch => ({
  topic: 'calls', partition: 0, lag: 0,
  records: offsets.map((o) => ({ topic: 'calls', partition: 0, offset: String(o), key: null, value: null, headers: {}, timestamp: 1_000 * MIN })),
});

/** Partition calls/0: committed at 400, at its end; the broker finds offset 250 ten minutes back. */
function setup() {
  const caughtUp = new Map<string, boolean>();
  const engine = {
    retainSources: () => {},
    addPendingSource: (_stream: string, source: string) => void caughtUp.set(source, false),
    setSourceCaughtUp: (_stream: string, source: string, value: boolean) => void caughtUp.set(source, value),
  } as unknown as DetectionEngine;
  const reader: OffsetsReader = {
    positions: async () => [{ partition: 0, low: 0, high: 400, committed: 400 }],
    offsetsAtTime: async () => [{ partition: 0, offset: 250 }],
    close: async () => {},
  };
  const logger = createLogger({ level: 'error' });
  const lifecycle = new PartitionLifecycle({
    progress: { reader, groupId: 'g', topics: { calls: 'calls', sms: undefined }, engine: () => engine, fromBeginning: false, intervalMs: 60_000, idleMs: 0, logger },
    rewind: { reader, groupId: 'g', rewindMs: () => 10 * MIN, logger },
  });
  return { lifecycle, caughtUp };
}

describe('PartitionLifecycle', () => {
  it('on assignment rewinds each partition through the attached consumer and tracks its progress; batches move both on', async () => {
    const { lifecycle, caughtUp } = setup();
    const seeks: string[] = [];
    let released = 0;
    lifecycle.attach({ seek: (topic, partition, offset) => void seeks.push(`${topic}/${partition}@${offset}`), releaseQuietTail: async () => void released++ });
    lifecycle.onAssignment([{ topic: 'calls', partitions: [0] }]);
    // Progress: at its end and idle, so caught up, and with every partition quiet the tail is released.
    await vi.waitFor(() => expect(released).toBe(1), { timeout: 5_000 });
    expect(caughtUp.get('calls/0')).toBe(true);
    // Rewind: the first batch at the committed offset is sought back and skipped.
    expect(await lifecycle.rewound(batch([400, 401]))).toBe(true);
    expect(seeks).toEqual(['calls/0@250']);
    expect(lifecycle.replayBelow('calls', 0)).toBe(400);
    expect(await lifecycle.rewound(batch([250, 251]))).toBe(false);
    lifecycle.onBatchProcessed('calls', 0, '399');
    expect(lifecycle.replayBelow('calls', 0)).toBeUndefined();
    await lifecycle.close();
  });

  it('refuses to rewind before a consumer is attached instead of losing the seek', async () => {
    const { lifecycle } = setup();
    lifecycle.onAssignment([{ topic: 'calls', partitions: [0] }]);
    await expect(lifecycle.rewound(batch([400]))).rejects.toThrow(/before the consumer was attached/);
    await lifecycle.close();
  });
});
