/**
 * `kill -9` of the detector between two halves of a campaign: on restart it rebuilds its window
 * state by rewinding the partitions, and what ClickHouse holds equals the replay of the whole
 * dataset, while nothing it had already emitted is produced a second time.
 */
import { describe, expect, it } from 'vitest';
import { halves } from '../support/campaign-dataset.js';
import { useFaultRun } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';

const env = requireStackEnv();

describe('detector killed with SIGKILL between two halves of a campaign', () => {
  const faultRun = useFaultRun('crash', env);

  it('stores exactly what the replay of the whole dataset finds, and re-emits nothing of the first half', { timeout: 480_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { topics } = harness;
    const group = `t-${run}-detector`;
    const [first, second] = halves(dataset);

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
