import { describe, expect, it } from 'vitest';
import type { ConsumedBatch } from '@telfraud/common';
import type { CallEvent } from '@telfraud/core';
import { burstPack, pipelineFixture, sentValues, start, T0 } from '../test-support/pipeline-fixture.js';

const SEC = 1_000;
const MIN = 60_000;

function setup() {
  // 20 STARTs on one trunk within a minute fire. The wall clock is well ahead of the data: only the
  // event-time guard can tell the bogus records apart.
  const { pipeline, engine, registry, sent } = pipelineFixture(burstPack(20), { now: () => T0 + 30 * MIN });
  const rejected = async (reason: string): Promise<number> =>
    (await registry.getSingleMetric('fraud_events_rejected_total')!.get()).values.filter((v) => v.labels['reason'] === reason).reduce((sum, v) => sum + v.value, 0);
  const alerts = (): Record<string, unknown>[] => sentValues(sent, 'alerts');
  const parked = (): { reason: string | undefined; id: string }[] => sent.filter((s) => s.topic === 'calls-dlq')
    .flatMap((s) => s.records.map((r) => ({ reason: r.headers?.['dlq-reason'], id: (JSON.parse(r.value.toString('utf8')) as CallEvent).call_id })));
  return { pipeline, engine, alerts, parked, rejected };
}

const offsets = new Map<number, number>();
function batch(partition: number, events: CallEvent[]): ConsumedBatch {
  const first = offsets.get(partition) ?? 0;
  offsets.set(partition, first + events.length);
  return {
    topic: 'calls', partition, lag: 0,
    records: events.map((e, i) => ({ topic: 'calls', partition, offset: String(first + i), key: null, headers: {}, timestamp: T0, value: Buffer.from(JSON.stringify(e)) })),
  };
}

describe('DetectionPipeline: event time over several partitions', () => {
  it('parks a far-future record of each partition as FUTURE_EVENT, and the campaign still alerts', async () => {
    offsets.clear();
    const { pipeline, alerts, parked, rejected } = setup();
    // A campaign of 60 STARTs a second apart on trunk-x, spread over three partitions, read in batches of five per partition.
    const campaign = Array.from({ length: 60 }, (_, i) => start(`c${i}`, 'trunk-x', T0 + i * SEC));
    const perPartition = [0, 1, 2].map((p) => campaign.filter((_, i) => i % 3 === p));
    for (let round = 0; round < 4; round++) {
      for (const p of [0, 1, 2]) {
        const events = perPartition[p]!.slice(round * 5, round * 5 + 5);
        // Each partition's second batch starts with one record dated nine minutes ahead (a switch with a wrong clock).
        if (round === 1) events.splice(0, 0, start(`bogus-${p}`, 'trunk-x', events[0]!.ts + 9 * MIN));
        await pipeline.handleBatch(batch(p, events));
      }
    }
    expect(parked()).toEqual([0, 1, 2].map((p) => ({ reason: 'FUTURE_EVENT', id: `bogus-${p}` })));
    expect(await rejected('FUTURE_EVENT')).toBe(3);
    expect(await rejected('LATE_EVENT')).toBe(0);
    expect(alerts().map((a) => a['entity'])).toContain('trunk-x');
  });

  it('parks nothing when a partition idle for minutes resumes, or one partition works off a backlog ahead of the others', async () => {
    offsets.clear();
    const { pipeline, engine, parked } = setup();
    // Partition 0 and 1 advance together for 8 minutes; partition 2 is idle from minute 1 and resumes at minute 8.
    for (let m = 0; m < 8; m++) {
      for (const p of [0, 1]) await pipeline.handleBatch(batch(p, Array.from({ length: 6 }, (_, i) => start(`p${p}-${m}-${i}`, `t${p}`, T0 + m * MIN + i * 10 * SEC))));
      if (m === 0) await pipeline.handleBatch(batch(2, [start('p2-early', 't2', T0 + 30 * SEC)]));
    }
    await pipeline.handleBatch(batch(2, Array.from({ length: 6 }, (_, i) => start(`p2-late-${i}`, 't2', T0 + 8 * MIN + i * 10 * SEC))));
    // Partition 1 then races ahead through a backlog: 20 minutes in batches, 30 s of event time per record.
    for (let b = 0; b < 8; b++) await pipeline.handleBatch(batch(1, Array.from({ length: 5 }, (_, i) => start(`p1-backlog-${b}-${i}`, 't1', T0 + 8 * MIN + (b * 5 + i) * 30 * SEC))));
    expect(parked()).toEqual([]);
    expect(engine.stats()).toMatchObject({ future: 0, late: 0 });
  });

  it('once every partition is quiet, processes the parked records nothing after them contradicts (the end of the traffic)', async () => {
    offsets.clear();
    const { pipeline, engine, alerts, parked } = setup();
    // 19 calls on trunk-y, traffic stops, and the 20th call arrives 10 minutes later: the last record of the run.
    await pipeline.handleBatch(batch(0, Array.from({ length: 19 }, (_, i) => start(`y${i}`, 'trunk-y', T0 + i * SEC))));
    await pipeline.handleBatch(batch(1, [start('y-late', 'trunk-y', T0 + 10 * MIN)]));
    expect(engine.stats()).toMatchObject({ future: 1, eventsAccepted: 19 });
    expect(parked(), 'held: nothing has contradicted it yet').toEqual([]);
    await pipeline.releaseQuietTail();
    expect(engine.stats()).toMatchObject({ future: 1, futureTakenBack: 1, eventsAccepted: 20 });
    expect(alerts()).toEqual([]); // processed, in its own (later) window
    await pipeline.handleBatch(batch(1, [start('y-next', 'trunk-y', T0 + 10 * MIN + SEC)]));
    expect(parked()).toEqual([]);
    expect(engine.stats().future).toBe(1);
  });

  it('holds a sparse partition read ahead of partitions still behind, and processes it once its own records agree', async () => {
    offsets.clear();
    const { pipeline, engine, parked } = setup();
    await pipeline.handleBatch(batch(0, Array.from({ length: 30 }, (_, i) => start(`d${i}`, 'dense', T0 + i * SEC))));
    // Partition 1 holds few records: the next ones are minutes ahead of where partition 0 has got to.
    await pipeline.handleBatch(batch(1, [0, 1, 2].map((i) => start(`s${i}`, 'sparse', T0 + 5 * MIN + i * 30 * SEC))));
    await pipeline.handleBatch(batch(0, Array.from({ length: 30 }, (_, i) => start(`d${30 + i}`, 'dense', T0 + (30 + i) * SEC))));
    expect(parked()).toEqual([]);
    expect(engine.stats()).toMatchObject({ future: 2, futureTakenBack: 2, eventsAccepted: 63 });
  });
});
