import { describe, expect, it } from 'vitest';
import type { ConsumedBatch } from '@telfraud/common';
import type { CallEvent } from '@telfraud/core';
import { burstPack, pipelineFixture, sentValues, start, T0 } from '../test-support/pipeline-fixture.js';

function setup(replayBelow: number | undefined) {
  // Two STARTs on one trunk within a minute fire.
  const { pipeline, registry, sent } = pipelineFixture(burstPack(2), { now: () => T0 + 60_000, replayBelow: () => replayBelow });
  const counter = async (name: string): Promise<number> =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  const sentTo = (topic: string): Record<string, unknown>[] => sentValues(sent, topic);
  const parked = (): (string | undefined)[] => sent.filter((s) => s.topic === 'calls-dlq').flatMap((s) => s.records.map((r) => r.headers?.['dlq-reason']));
  return { pipeline, sentTo, parked, counter };
}

const batch = (values: (CallEvent | string)[], firstOffset = 0): ConsumedBatch => ({
  topic: 'calls', partition: 0, lag: 0,
  records: values.map((v, i) => ({
    topic: 'calls', partition: 0, offset: String(firstOffset + i), key: null, headers: {}, timestamp: T0,
    value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
  })),
});

describe('DetectionPipeline replaying records below the committed position', () => {
  it('rebuilds state from them without emitting their alerts, dead letters or duplicate counts', async () => {
    const { pipeline, sentTo, parked, counter } = setup(5);
    await pipeline.handleBatch(batch([
      start('a1', 'trunk-a', T0), start('a2', 'trunk-a', T0 + 1_000), // fires on trunk-a: emitted before the restart
      'not json', start('a1', 'trunk-a', T0), // parked and counted before the restart
      start('b1', 'trunk-b', T0 + 2_000),
    ]));
    expect(sentTo('alerts')).toEqual([]);
    expect(parked()).toEqual([]);
    expect(await counter('fraud_events_replayed_total')).toBe(5);
    expect(await counter('fraud_events_duplicate_total')).toBe(0);
    expect(await counter('fraud_events_rejected_total')).toBe(0);

    // The replayed START on trunk-b is window state: one live START more fires; a replayed event seen again is a duplicate.
    await pipeline.handleBatch(batch([start('b2', 'trunk-b', T0 + 3_000), 'not json', start('a2', 'trunk-a', T0 + 1_000)], 5));
    expect(sentTo('alerts').map((a) => a['entity'])).toEqual(['trunk-b']);
    expect(parked()).toEqual(['DECODE_FAILED']);
    expect(await counter('fraud_events_duplicate_total')).toBe(1);
  });

  it('emits everything when nothing is replayed', async () => {
    const { pipeline, sentTo, parked } = setup(undefined);
    await pipeline.handleBatch(batch([start('a1', 'trunk-a', T0), start('a2', 'trunk-a', T0 + 1_000), 'not json']));
    expect(sentTo('alerts').map((a) => a['entity'])).toEqual(['trunk-a']);
    expect(parked()).toEqual(['DECODE_FAILED']);
  });
});
