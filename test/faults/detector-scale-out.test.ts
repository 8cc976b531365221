/**
 * Three detector instances share the work by key (DETECTOR_ROUTING=keyed); mid-run one is killed
 * with SIGKILL and another added. Partitions move, and their window state moves with them (the
 * new owner rewinds the keyed partition it is given): what ClickHouse holds equals the replay of
 * the whole dataset by one engine.
 */
import { describe, expect, it } from 'vitest';
import { slices } from '../support/campaign-dataset.js';
import { useFaultRun } from '../support/fault-run.js';
import type { PipelineService } from '../support/pipeline-harness.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';

const env = requireStackEnv();

describe('three keyed detector instances: one killed, one added mid-run', () => {
  const faultRun = useFaultRun('scale', env, { pipeline: { keyed: true }, openTimeoutMs: 120_000 });

  const caughtUp = async (): Promise<void> => {
    const { harness, offsets } = faultRun;
    const { topics } = harness;
    await offsets.waitCaughtUp(`${harness.detectorGroup}-router`, [topics.calls, topics.sms], 120_000);
    await offsets.waitCaughtUp(harness.detectorGroup, [topics.keyed], 120_000);
  };
  const keyedRead = (name: PipelineService): Promise<number> => metricSum(faultRun.harness.portOf(name), 'fraud_events_consumed_total', { topic: faultRun.harness.topics.keyed });

  it('stores what one engine finds in the whole dataset; partitions move with their state', { timeout: 600_000 }, async () => {
    const { harness, producer, offsets, dataset } = faultRun;
    const { topics } = harness;
    const [first, second, third] = slices(dataset, 3) as [
      ReturnType<typeof slices>[number], ReturnType<typeof slices>[number], ReturnType<typeof slices>[number],
    ];
    await Promise.all([harness.startService('detector-2'), harness.startService('detector-3')]);

    await producer.sendEvents(topics, first);
    await caughtUp();
    const shares = await Promise.all((['detector', 'detector-2', 'detector-3'] as const).map(keyedRead));
    // Each instance detected on its own share of the keyed partitions.
    expect(shares.filter((n) => n > 0), `keyed records read per instance: ${shares}`).toHaveLength(3);

    await harness.killService('detector-2');
    await producer.sendEvents(topics, second);
    await harness.startService('detector-4');
    await caughtUp();
    await producer.sendEvents(topics, third);
    await caughtUp();

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    // Partitions that moved were re-read to rebuild their window state, without re-emitting.
    const alive = ['detector', 'detector-3', 'detector-4'] as const;
    const replayed = (await Promise.all(alive.map((n) => metricSum(harness.portOf(n), 'fraud_events_replayed_total'))).catch((err: Error) => {
      throw new Error(`${err.message}\n${harness.logs().slice(-6_000)}`);
    })).reduce((a, b) => a + b, 0);
    expect(replayed).toBeGreaterThan(0);
    expect(await keyedRead('detector-4')).toBeGreaterThan(0);
    const routed = await metricSum(harness.portOf('detector'), 'fraud_events_routed_total');
    const late = (await Promise.all(alive.map((n) => metricSum(harness.portOf(n), 'fraud_events_rejected_total', { reason: 'LATE_EVENT' })))).reduce((a, b) => a + b, 0);
    console.info(`detector scale-out: ${JSON.stringify({ ...match, replayed, routedByFirstInstance: routed, shares, lateRejected: late })}`);
  });
});
