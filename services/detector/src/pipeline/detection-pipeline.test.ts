import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DeadLetterPublisher, createLogger, type ConsumedBatch, type MessageProducer, type OutgoingRecord, type RecordDecoder } from '@telfraud/common';
import { DetectionEngine, EMPTY_REFERENCE, validateRulePack, type CallEvent } from '@telfraud/core';
import { DetectionPipeline } from './detection-pipeline.js';
import { createDetectorMetrics } from '../adapters/detector-metrics.js';

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
const TOPICS = { calls: 'calls', sms: undefined, alerts: 'alerts', victims: 'victims' };

/** Two STARTs on one trunk within a minute fire. */
const PACK = validateRulePack({
  version: 1, name: 'test',
  rules: [{
    id: 'burst', severity: 'HIGH', key: ['ingress_trunk'], window: { type: 'sliding', size: '60s', hop: '10s' },
    measures: { starts: { fn: 'count', where: { field: 'type', eq: 'START' } } }, when: [{ measure: 'starts', op: '>=', value: 2 }],
  }],
});

const start = (id: string, trunk: string, at: number): CallEvent => ({
  event_id: `${id}-s`, call_id: id, type: 'START', ts: at, calling_number: '+442071234567', called_number: '+447700900001',
  ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C', duration_ms: null, sip_code: null,
});

const json: RecordDecoder = { prepare: () => Promise.resolve(), decode: (b) => JSON.parse(b?.toString('utf8') ?? '') as unknown };

function setup(replayBelow: number | undefined) {
  const sent: { topic: string; records: OutgoingRecord[] }[] = [];
  const producer: MessageProducer = { send: async (topic, records) => void sent.push({ topic, records }), close: async () => {} };
  const engine = new DetectionEngine(PACK, EMPTY_REFERENCE);
  const registry = new Registry();
  const metrics = createDetectorMetrics(registry, () => engine);
  const logger = createLogger({ level: 'error' });
  const pipeline = new DetectionPipeline({
    engine: () => engine, callDecoder: json, smsDecoder: undefined,
    alertEncoder: { encode: (a) => Buffer.from(JSON.stringify(a)) }, victimEncoder: { encode: (v) => Buffer.from(JSON.stringify(v)) },
    producer, deadLetters: new DeadLetterPublisher(producer, metrics.rejected, logger), metrics, logger, topics: TOPICS,
    now: () => T0 + 60_000, maxFutureSkewMs: 600_000, replayBelow: () => replayBelow,
  });
  const counter = async (name: string): Promise<number> =>
    (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  const sentTo = (topic: string): Record<string, unknown>[] =>
    sent.filter((s) => s.topic === topic).flatMap((s) => s.records.map((r) => JSON.parse(r.value.toString('utf8')) as Record<string, unknown>));
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
