/**
 * Schema Registry outages seen by the detector (its SCHEMA_REGISTRY_URL points at a TCP link the
 * test cuts): down at start-up, it retries with a clear log line and becomes ready once the
 * registry answers; down mid-run, records of already known schemas are processed from the cache,
 * and records of a writer schema it has never seen wait (retried, not parked) until it is back.
 */
import { describe, expect, it } from 'vitest';
import { halves } from '../support/campaign-dataset.js';
import { evolvedSchemaWriter } from '../support/evolved-schema-writer.js';
import { useFaultRun, useFlakyLink } from '../support/fault-run.js';
import { httpStatus } from '../support/net.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { sleep, waitFor } from '../support/wait-for.js';
import { readTopic } from '../support/topic-reader.js';

const env = requireStackEnv();
const REGISTRY = env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';

describe('schema registry outages', () => {
  const faultRun = useFaultRun('registry', env, { dataset: { seed: 8 } });
  const flaky = useFlakyLink(new URL(REGISTRY));

  it('waits for the registry at start-up, then runs on cached schemas while it is down, losing nothing', { timeout: 600_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { link } = flaky;
    const { topics } = harness;
    const group = `t-${run}-detector`;
    const [first, second] = halves(dataset);

    // Start-up with the registry unreachable: not ready, says why, and is ready soon after it is back.
    expect(await harness.stopService('detector')).toBe(0);
    link.cut();
    const detector = await harness.startService('detector', { overrides: { SCHEMA_REGISTRY_URL: link.url }, wait: false });
    await waitFor('the detector to log that it waits for the registry', async () => (detector.log.includes('schema registry not ready, retrying') ? true : undefined), 30_000);
    expect(await httpStatus(`http://127.0.0.1:${harness.ports.detector}/readyz`)).not.toBe(200);
    await sleep(3_000);
    expect(await detector.waitExit(0)).toBe('running');
    link.restore();
    await harness.waitReady('detector', 90_000);

    await producer.sendEvents(topics, first);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    // Mid-run: schemas already known come from the cache.
    link.cut();
    await producer.sendEvents(topics, second);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    // A writer schema never seen cannot be fetched: its records wait, nothing is skipped or parked.
    const encode = await evolvedSchemaWriter(REGISTRY, `t-${run}-calls-evolved-value`, 'call-events');
    // Copies of the newest calls (older ones would be late by now).
    const newest = [...second.calls].sort((a, b) => Number(b['ts']) - Number(a['ts'])).slice(0, 20);
    const copies = newest.map((e) => ({ key: String(e['call_id']), value: encode(e) }));
    await producer.send(topics.calls, copies);
    await sleep(4_000);
    expect(await offsets.lag(group, [topics.calls])).toBeGreaterThan(0);
    link.restore();
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms], 120_000);
    // Nothing parked for the outage. LATE_EVENT is allowed: the generator delays some deliveries on
    // purpose, and whether one lands behind the watermark depends on how partitions interleave.
    // FUTURE_EVENT is not: the copies below are re-sent records, and re-sent records once gave up
    // a campaign's last calls, held as far ahead, as FUTURE_EVENT (a lost alert).
    const rejected = await metricSum(harness.ports.detector, 'fraud_events_rejected_total');
    const late = await metricSum(harness.ports.detector, 'fraud_events_rejected_total', { reason: 'LATE_EVENT' });
    if (rejected - late > 0) {
      const parked = (await Promise.all([topics.calls, topics.sms].map((t) => readTopic(env, `${t}-dlq`)))).flat();
      const why = parked.filter((r) => r.headers['dlq-reason'] !== 'LATE_EVENT').map((r) => `${r.headers['dlq-source-topic']} p${r.headers['dlq-source-partition']}@${r.headers['dlq-source-offset']} ${r.headers['dlq-reason']}: ${r.headers['dlq-message']}`);
      expect.fail(`${rejected - late} records parked for no reason of theirs:\n${why.join('\n')}\n${await harness.detectorCounters()}`);
    }
    // Copies of events already read: counted as duplicates (or late) once decoded with the fetched schema.
    expect(await metricSum(harness.ports.detector, 'fraud_events_duplicate_total', { topic: topics.calls }) + late).toBeGreaterThanOrEqual(copies.length);

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    expect(await harness.service('detector')?.waitExit(0)).toBe('running');
    console.info(`registry outage: ${JSON.stringify(match)}`);
  });
});
