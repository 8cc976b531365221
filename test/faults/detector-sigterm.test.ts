/**
 * SIGTERM to the detector while a campaign is streaming in: it finishes the batch in flight,
 * commits and exits 0 well within its shutdown deadline; restarted, it loses nothing.
 */
import { describe, expect, it } from 'vitest';
import { useFaultRun } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
/** The services' default SHUTDOWN_TIMEOUT_MS. */
const SHUTDOWN_BOUND_MS = 15_000;

describe('detector stopped with SIGTERM mid-stream', () => {
  const faultRun = useFaultRun('term', env, { dataset: { seed: 6 } });

  it('exits 0 within its deadline, and a restart loses nothing', { timeout: 480_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { topics } = harness;
    // About 8 s of steady production.
    const sending = producer.sendEvents(topics, dataset, { chunk: 1_500, pauseMs: 500 });
    await waitFor('a third of the calls processed', async () =>
      ((await metricSum(harness.ports.detector, 'fraud_events_consumed_total', { topic: topics.calls })) > dataset.calls.length / 3 ? true : undefined), 120_000);

    const started = Date.now();
    const code = await harness.stopService('detector', SHUTDOWN_BOUND_MS + 5_000);
    const stopMs = Date.now() - started;
    expect(code).toBe(0);
    expect(stopMs).toBeLessThan(SHUTDOWN_BOUND_MS);

    await harness.startService('detector');
    await sending;
    await offsets.waitCaughtUp(`t-${run}-detector`, [topics.calls, topics.sms]);
    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    expect(await offsets.records(topics.victims)).toBe(dataset.replay.victims.length);
    console.info(`detector SIGTERM: ${JSON.stringify({ stopMs, ...match })}`);
  });
});
