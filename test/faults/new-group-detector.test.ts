/**
 * A new detector consumer group (DETECTOR_FROM_BEGINNING=false) killed with SIGKILL before its
 * first commit: the first half of a campaign is written with a writer schema the detector has not
 * seen while its Schema Registry link is cut, so it reads those records but cannot decode, emit or
 * commit them. After the restart it must start where the group first started, not at the newest
 * record: ClickHouse ends up with what the replay of the whole dataset finds.
 */
import { describe, expect, it } from 'vitest';
import { type EventRecord, halves } from '../support/campaign-dataset.js';
import { evolvedSchemaWriter } from '../support/evolved-schema-writer.js';
import type { RawMessage } from '../support/event-producer.js';
import { useFaultRun, useFlakyLink } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const REGISTRY = env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';

describe('a new detector group killed before its first commit', () => {
  const faultRun = useFaultRun('ngdet', env);
  const flaky = useFlakyLink(new URL(REGISTRY));

  it('restarts where the group started: the whole campaign is detected', { timeout: 280_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { link } = flaky;
    const { topics } = harness;
    const group = `t-${run}-fresh`;
    const overrides = { DETECTOR_GROUP_ID: group, DETECTOR_FROM_BEGINNING: 'false', SCHEMA_REGISTRY_URL: link.url };
    const [first, second] = halves(dataset);
    const [encodeCall, encodeSms] = await Promise.all([evolvedSchemaWriter(REGISTRY, `t-${run}-calls-evolved-value`, 'call-events'), evolvedSchemaWriter(REGISTRY, `t-${run}-sms-evolved-value`, 'sms-events')]);

    // The harness's detector runs under another group; this one starts fresh, at the end of the (empty) topics.
    expect(await harness.stopService('detector')).toBe(0);
    const detector = await harness.startService('detector', { overrides });
    const starts = [await offsets.committed(group, topics.calls), await offsets.committed(group, topics.sms)];

    link.cut();
    const raw = (list: EventRecord[], key: string, encode: (e: EventRecord) => Buffer): RawMessage[] =>
      list.map((e) => ({ key: String(e[key]), value: encode(e) }));
    await producer.send(topics.calls, raw(first.calls, 'call_id', encodeCall));
    await producer.send(topics.sms, raw(first.sms, 'recipient_number', encodeSms));
    // It has read the first records: their writer schema cannot be fetched, so nothing of them is emitted or committed.
    await waitFor('the detector to fail fetching the new writer schema', async () => (detector.log.includes('cannot fetch schema id') ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${detector.log}`); });
    await harness.killService('detector');

    link.restore();
    await producer.sendEvents(topics, second);
    await harness.startService('detector', { overrides });

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms], 90_000);
    expect(await metricSum(harness.ports.detector, 'fraud_events_consumed_total')).toBeGreaterThanOrEqual(first.calls.length + first.sms.length + second.calls.length + second.sms.length);
    // How: ready meant the group's starting positions were committed, before anything was processed.
    expect(starts.flatMap((s) => [...s.values()]), 'committed offsets of the new group at readiness').toEqual(Array(12).fill(0));
    console.info(`new detector group: ${JSON.stringify(match)}`);
  });
});
