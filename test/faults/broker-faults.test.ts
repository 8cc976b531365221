/**
 * Broker faults while a campaign streams through detector and alert-sink: added round-trip time,
 * injected request errors (produce, fetch, offset commit, heartbeat), and one of the three brokers
 * down for about 10 s. The pipeline recovers by itself and loses nothing: every event is read and
 * committed, every alert the detector produced is stored, and what is stored equals the replay.
 * The faults hit the shared local broker for their few seconds; they are always undone afterwards.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { brokerControl } from '../support/broker-control.js';
import { useFaultRun } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { requireStackEnv } from '../support/stack.js';
import { readTopic } from '../support/topic-reader.js';
import { sleep } from '../support/wait-for.js';

const env = requireStackEnv();
const CONTROL = env['KAFKA_CONTROL'] ?? '127.0.0.1:9190';
const ERROR_APIS = ['Produce', 'Fetch', 'OffsetCommit', 'Heartbeat'];

/** Puts the broker back as it was, whatever happened. */
async function undoFaults(): Promise<void> {
  for (const cmd of ['broker-up 2', 'rtt 2 0', ...ERROR_APIS.map((api) => `clear-request-errors ${api}`)]) {
    await brokerControl(CONTROL, cmd).catch(() => undefined);
  }
}

describe('broker faults mid-stream', () => {
  const faultRun = useFaultRun('broker', env, { dataset: { seed: 7 }, producerRetryMs: 90_000 });

  afterAll(async () => {
    await undoFaults();
  });

  it('recovers from latency, request errors and a broker outage without operator action, losing nothing', { timeout: 480_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { topics } = harness;
    const events: string[] = [];
    const fault = async (cmd: string): Promise<void> => {
      events.push(cmd);
      await brokerControl(CONTROL, cmd);
    };
    // About 20 s of steady production, with the faults laid over it. After the outage, production
    // waits for the detector to catch up: the stalled partitions' lag then stays near what it
    // would be in real time, not tens of minutes of this compressed event time.
    let held: Promise<void> | undefined;
    const sending = producer.sendEvents(topics, dataset, { chunk: 1_000, pauseMs: 700, gate: () => held ?? Promise.resolve() });
    try {
      await sleep(2_000);
      await fault('rtt 2 500');
      await sleep(3_000);
      await fault('rtt 2 0');
      await fault('request-errors Produce NOT_LEADER_FOR_PARTITION 4');
      await fault('request-errors Fetch NOT_LEADER_FOR_PARTITION 4');
      await fault('request-errors OffsetCommit REQUEST_TIMED_OUT 3');
      await fault('request-errors Heartbeat COORDINATOR_NOT_AVAILABLE 2');
      await sleep(3_000);
      await fault('broker-down 2');
      await sleep(10_000);
      held = offsets.waitCaughtUp(`t-${run}-detector`, [topics.calls, topics.sms], 180_000);
      await fault('broker-up 2');
      await held;
      held = undefined;
    } finally {
      await undoFaults();
    }
    await sending;

    await offsets.waitCaughtUp(`t-${run}-detector`, [topics.calls, topics.sms], 180_000);
    await offsets.waitCaughtUp(`t-${run}-sink`, [topics.alerts, topics.victims], 120_000);
    // Transport: every alert the detector produced (keyed by its id) is in ClickHouse.
    const produced = new Set((await readTopic(env, topics.alerts)).map((r) => r.key));
    const stored = new Set((await harness.alerts<{ alert_id: string }>()).map((a) => a.alert_id));
    expect([...produced].filter((id) => id === null || !stored.has(id))).toEqual([]);
    const match = await expectStoredToMatchReplay(harness, dataset.replay, 120_000);
    // Both services are still the processes started at the beginning: nobody restarted them.
    for (const name of ['detector', 'alert-sink'] as const) expect(await harness.service(name)?.waitExit(0)).toBe('running');
    console.info(`broker faults: ${JSON.stringify({ faults: events, ...match, victimRecords: await offsets.records(topics.victims) })}`);
  });
});
