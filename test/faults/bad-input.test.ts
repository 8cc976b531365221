/**
 * Bad input between two halves of a campaign: undecodable bytes, a wrong magic byte, an unknown
 * schema id, schema-valid but impossible events, an enum symbol outside the contract (written with
 * a widened schema registered under another subject), a large record, a 10 MB record, and a flood
 * of 10,000 duplicates. Each is counted by reason and parked on `<topic>-dlq` with the reason in
 * its headers, duplicates are counted once, and the campaign is still detected exactly.
 */
import { randomBytes } from 'node:crypto';
import avro from 'avsc';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { createRegistryClient, loadTopicSchema } from '@telfraud/common';
import { type EventRecord, halves } from '../support/campaign-dataset.js';
import { type RawMessage } from '../support/event-producer.js';
import { useFaultRun } from '../support/fault-run.js';
import { expectStoredToMatchReplay } from '../support/replay-comparison.js';
import { metricSum } from '../support/service-metrics.js';
import { requireStackEnv } from '../support/stack.js';
import { readTopic } from '../support/topic-reader.js';

const env = requireStackEnv();
const REGISTRY = env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
const FLOOD = 10_000;

function wire(id: number, body: Buffer): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeInt32BE(id, 1);
  body.copy(out, 5);
  return out;
}

/** The contract's call event with an attestation symbol more, under a subject of its own. */
async function widenedWriter(run: string): Promise<{ id: number; type: avro.Type }> {
  const schema = JSON.parse(JSON.stringify(loadTopicSchema('call-events').schema).replace('"NONE"]', '"NONE","X"]')) as avro.Schema;
  const registry = createRegistryClient({ schemaRegistryUrl: REGISTRY, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, { subject: `t-${run}-calls-widened-value`, compatibility: COMPATIBILITY.NONE });
  return { id, type: avro.Type.forSchema(schema) };
}

describe('bad input and a duplicate flood', () => {
  const faultRun = useFaultRun('bad', env, { dataset: { seed: 9 } });

  it('counts and parks each bad record by reason, counts duplicates once, and still detects the campaign', { timeout: 600_000 }, async () => {
    const { run, harness, producer, offsets, dataset } = faultRun;
    const { topics } = harness;
    const group = `t-${run}-detector`;
    const [first, second] = halves(dataset);
    await producer.sendEvents(topics, first);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    // The newest event read so far: copies of it are neither late nor new.
    const model = [...first.calls].sort((a, b) => Number(b['ts']) - Number(a['ts']))[0]!;
    const variant = (patch: EventRecord, i: number): EventRecord => ({ ...model, ...patch, event_id: `bad-${run}-${i}`, call_id: `bad-${run}-${i}` });
    const valid = producer.encodeCall(variant({}, 0));
    const widened = await widenedWriter(run);
    const bad: { reason: string; path?: string; message: RawMessage }[] = [
      { reason: 'DECODE_FAILED', message: { value: randomBytes(3) } },
      { reason: 'DECODE_FAILED', message: { value: Buffer.concat([valid.subarray(0, 5), randomBytes(2)]) } },
      { reason: 'BAD_MAGIC_BYTE', message: { value: Buffer.concat([Buffer.from([1]), valid.subarray(1)]) } },
      { reason: 'UNKNOWN_SCHEMA_ID', message: { value: wire(999_999, valid.subarray(5)) } },
      { reason: 'CONTRACT_VIOLATION', path: 'calling_number', message: { value: producer.encodeCall(variant({ calling_number: '442071234567' }, 1)) } },
      { reason: 'CONTRACT_VIOLATION', path: 'duration_ms', message: { value: producer.encodeCall(variant({ type: 'END', duration_ms: -5, sip_code: 200 }, 2)) } },
      { reason: 'CONTRACT_VIOLATION', path: 'attestation', message: { value: wire(widened.id, widened.type.toBuffer(variant({ attestation: 'X' }, 3))) } },
      // Large but under the mock broker's 5 MB partition budget: parked with its headers only.
      { reason: 'DECODE_FAILED', message: { value: Buffer.concat([valid.subarray(0, 5), Buffer.alloc(950_000, 0xff)]) } },
    ];
    await producer.send(topics.calls, bad.map((b) => b.message));
    await producer.send(topics.sms, [{ value: Buffer.from('not avro at all') }]);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    // ~10 MB: the mock broker takes it, then drops it (and what shares its segment) to stay within
    // its 5 MB per partition; a real broker refuses it (message.max.bytes). Either way it never
    // reaches the detector, which is what a 10 MB record should do to the pipeline: nothing.
    const ends = await offsetsOf(topics.calls);
    const huge = await producer.send(topics.calls, [{ value: Buffer.alloc(10_000_000, 1), partition: 0 }]).then(() => 'accepted', (err: Error) => err.message);
    const kept = (await offsetsOf(topics.calls)).find((p) => p.partition === 0)!;
    console.info(`10 MB record: ${huge === 'accepted' ? `accepted, log of partition 0 now starts at ${kept.low} (was end ${ends.find((p) => p.partition === 0)!.high})` : `refused: ${huge}`}`);
    const copy = producer.encodeCall(model);
    if (huge !== 'accepted') expect(huge).toMatch(/too large|size/i);
    else {
      expect(kept.low, 'the mock dropped the 10 MB record').toBeGreaterThan(ends.find((p) => p.partition === 0)!.high);
      // The mock also drops the next record appended there: pad with copies until one stays.
      for (let i = 0; i < 5; i++) {
        await producer.send(topics.calls, [{ key: String(model['call_id']), value: copy, partition: 0 }]);
        const p0 = (await offsetsOf(topics.calls)).find((p) => p.partition === 0)!;
        if (p0.low < p0.high) break;
      }
    }
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    const duplicatesBefore = await metricSum(harness.ports.detector, 'fraud_events_duplicate_total', { topic: topics.calls });
    for (let i = 0; i < FLOOD; i += 2_000) await producer.send(topics.calls, Array.from({ length: 2_000 }, () => ({ key: String(model['call_id']), value: copy })));
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);
    expect(await metricSum(harness.ports.detector, 'fraud_events_duplicate_total', { topic: topics.calls }) - duplicatesBefore).toBe(FLOOD);

    await producer.sendEvents(topics, second);
    await offsets.waitCaughtUp(group, [topics.calls, topics.sms]);

    const byReason = (list: { reason: string }[]): Record<string, number> => list.reduce<Record<string, number>>(
      (acc, b) => ({ ...acc, [b.reason]: (acc[b.reason] ?? 0) + 1 }), {},
    );
    for (const [reason, n] of Object.entries(byReason(bad))) {
      expect(await metricSum(harness.ports.detector, 'fraud_events_rejected_total', { topic: topics.calls, reason }), reason).toBe(n);
    }
    expect(await metricSum(harness.ports.detector, 'fraud_events_rejected_total', { topic: topics.sms, reason: 'BAD_MAGIC_BYTE' })).toBe(1);
    const parked = await readTopic(env, `${topics.calls}-dlq`);
    expect(byReason(parked.map((p) => ({ reason: p.headers['dlq-reason'] ?? '?' })))).toEqual(byReason(bad));
    expect(parked.filter((p) => p.headers['dlq-reason'] === 'CONTRACT_VIOLATION').map((p) => p.headers['dlq-path']).sort()).toEqual(['attestation', 'calling_number', 'duration_ms']);
    expect(parked.filter((p) => p.headers['dlq-truncated-bytes'] === '950005')).toHaveLength(1);
    expect((await readTopic(env, `${topics.sms}-dlq`)).map((p) => p.headers['dlq-reason'])).toEqual(['BAD_MAGIC_BYTE']);

    const match = await expectStoredToMatchReplay(harness, dataset.replay);
    expect(await harness.service('detector')?.waitExit(0)).toBe('running');
    console.info(`bad input: ${JSON.stringify({ parked: byReason(parked.map((p) => ({ reason: p.headers['dlq-reason'] ?? '?' }))), flood: FLOOD, ...match })}`);

    async function offsetsOf(topic: string): Promise<{ partition: number; low: number; high: number }[]> {
      const { Kafka, logLevel } = await import('kafkajs');
      const admin = new Kafka({ clientId: 'test', brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        return (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }));
      } finally {
        await admin.disconnect();
      }
    }
  });
});
