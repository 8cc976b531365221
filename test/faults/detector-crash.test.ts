/**
 * `kill -9` of the detector between two halves of a campaign: on restart it rebuilds its window
 * state by rewinding the partitions, and what ClickHouse holds equals the replay of the whole
 * dataset, while nothing it had already emitted is produced a second time.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDataset, slices, type CampaignDataset } from '../support/campaign-dataset.js';
import { EventProducer } from '../support/event-producer.js';
import { GroupOffsets } from '../support/group-offsets.js';
import { closeFaultRun, openFaultRun } from '../support/fault-run.js';
import type { PipelineHarness } from '../support/pipeline-harness.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';

const env = requireStackEnv();

describe('detector killed with SIGKILL between two halves of a campaign', () => {
  const run = `crash-${randomBytes(3).toString('hex')}`;
  let harness: PipelineHarness;
  let producer: EventProducer;
  let offsets: GroupOffsets;
  let dataset: CampaignDataset;

  beforeAll(async () => {
    ({ harness, dataset, producer, offsets } = await openFaultRun(run, env));
  });

  afterAll(async () => {
    await closeFaultRun({ producer, offsets, harness });
  });

  it('stores exactly what the replay of the whole dataset finds, and re-emits nothing of the first half', { timeout: 480_000 }, async () => {
    const { topics } = harness;
    const group = `t-${run}-detector`;
    const [first, second] = slices(dataset, 2) as [ReturnType<typeof slices>[number], ReturnType<typeof slices>[number]];

    await producer.sendEvents(topics, first);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);
    await harness.killService('detector');

    await producer.sendEvents(topics, second);
    await harness.startService('detector');
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    // The restarted detector re-read the first half to rebuild state (the mock broker cannot look
    // offsets up by time, so it rewinds to the log start) without emitting any of it again:
    // every victim exposure is on the topic exactly once.
    const replayed = await metricSum(harness.ports.detector, 'fraud_events_replayed_total');
    expect(replayed).toBeGreaterThanOrEqual(first.calls.length + first.sms.length);
    expect(harness.logs()).toContain('rewinding partitions to the start of their log');
    expect(await offsets.records(topics.victims)).toBe(dataset.replay.victims.length);
    console.info(`detector crash: ${JSON.stringify({ ...match, replayed })}`);
  });
});
