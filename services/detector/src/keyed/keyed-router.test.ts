import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DeadLetterPublisher, createLogger, type ConsumedBatch, type MessageProducer, type OutgoingRecord, type RecordDecoder } from '@telfraud/common';
import { DetectionEngine, EMPTY_REFERENCE, validateRulePack, type CallEvent } from '@telfraud/core';
import { DetectionPipeline } from '../pipeline/detection-pipeline.js';
import { createDetectorMetrics } from '../adapters/detector-metrics.js';
import { KeyedRouter } from './keyed-router.js';

const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
const TOPICS = { calls: 'calls', sms: undefined, alerts: 'alerts', victims: 'victims', keyed: 'keyed' };

/** Two STARTs within a minute fire, per trunk and per caller ID. */
const burst = (id: string, key: string) => ({
  id, severity: 'HIGH', key: [key], window: { type: 'sliding', size: '60s', hop: '10s' },
  measures: { starts: { fn: 'count', where: { field: 'type', eq: 'START' } } }, when: [{ measure: 'starts', op: '>=', value: 2 }],
});
const PACK = validateRulePack({ version: 1, name: 'test', rules: [burst('by-trunk', 'ingress_trunk'), burst('by-cli', 'calling_number')] });

const start = (id: string, trunk: string, cli: string, at: number): CallEvent => ({
  event_id: `${id}-s`, call_id: id, type: 'START', ts: at, calling_number: cli, called_number: '+447700900001',
  ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C', duration_ms: null, sip_code: null,
});

const json: RecordDecoder = { prepare: () => Promise.resolve(), decode: (b) => JSON.parse(b?.toString('utf8') ?? '') as unknown };

function setup() {
  const sent: { topic: string; records: OutgoingRecord[] }[] = [];
  const producer: MessageProducer = { send: async (topic, records) => void sent.push({ topic, records }), close: async () => {} };
  const engines = [new DetectionEngine(PACK, EMPTY_REFERENCE), new DetectionEngine(PACK, EMPTY_REFERENCE)];
  const registry = new Registry();
  const metrics = createDetectorMetrics(registry, () => engines[0]!);
  const logger = createLogger({ level: 'error' });
  const deadLetters = new DeadLetterPublisher(producer, metrics.rejected, logger);
  const router = new KeyedRouter({ rulePack: () => PACK, callDecoder: json, smsDecoder: undefined, producer, deadLetters, metrics, logger, topics: TOPICS });
  const pipelines = engines.map((engine) => new DetectionPipeline({
    engine: () => engine, callDecoder: json, smsDecoder: undefined,
    alertEncoder: { encode: (a) => Buffer.from(JSON.stringify(a)) }, victimEncoder: { encode: (v) => Buffer.from(JSON.stringify(v)) },
    producer, deadLetters, metrics, logger, topics: TOPICS, now: () => T0 + 60_000, maxFutureSkewMs: 600_000,
  }));
  return { sent, router, pipelines };
}

const batch = (topic: string, partition: number, records: { value: Buffer; key?: Buffer | null; headers?: Record<string, string> }[]): ConsumedBatch => ({
  topic, partition, lag: 0,
  records: records.map((r, i) => ({ topic, partition, offset: String(i), key: r.key ?? null, headers: r.headers ?? {}, timestamp: T0, value: r.value })),
});

describe('KeyedRouter', () => {
  it('writes each call once per key of the pack, keyed by route and entity, bytes untouched; parks what it cannot read', async () => {
    const { sent, router } = setup();
    const call = Buffer.from(JSON.stringify(start('c1', 'trunk-a', '+442071234567', T0)));
    await router.handleBatch(batch('calls', 3, [{ value: call }, { value: Buffer.from('not json') }]));
    const keyed = sent.filter((s) => s.topic === 'keyed').flatMap((s) => s.records);
    expect(keyed.map((r) => [String(r.key), r.headers])).toEqual([
      ['ingress_trunk\u0000trunk-a', { 'route-stream': 'calls', route: 'ingress_trunk', 'route-origin': 'calls/3' }],
      ['calling_number\u0000+442071234567', { 'route-stream': 'calls', route: 'calling_number', 'route-origin': 'calls/3' }],
    ]);
    expect(keyed.every((r) => r.value.equals(call))).toBe(true);
    expect(sent.filter((s) => s.topic === 'calls-dlq').flatMap((s) => s.records.map((r) => r.headers?.['dlq-reason']))).toEqual(['DECODE_FAILED']);
  });

  it('lets two instances, each owning one route, find what one engine finds', async () => {
    const { sent, router, pipelines } = setup();
    // Same trunk, two caller IDs; same caller ID on another trunk: one trunk alert and one caller-ID alert.
    const calls = [start('c1', 'trunk-a', '+442071230001', T0), start('c2', 'trunk-a', '+442071230002', T0 + 1_000), start('c3', 'trunk-b', '+442071230002', T0 + 2_000)];
    await router.handleBatch(batch('calls', 0, calls.map((c) => ({ value: Buffer.from(JSON.stringify(c)) }))));
    const keyed = sent.filter((s) => s.topic === 'keyed').flatMap((s) => s.records);
    expect(keyed).toHaveLength(calls.length * 2);
    sent.length = 0;
    // Instance 0 owns the trunk route's partition, instance 1 the caller ID's.
    for (const [i, route] of (['ingress_trunk', 'calling_number'] as const).entries()) {
      const mine = keyed.filter((r) => r.headers?.['route'] === route);
      await pipelines[i]!.handleBatch(batch('keyed', i, mine.map((r) => ({ value: r.value, key: Buffer.from(String(r.key)), headers: r.headers! }))));
    }
    const alerts = sent.filter((s) => s.topic === 'alerts').flatMap((s) => s.records.map((r) => JSON.parse(r.value.toString('utf8')) as Record<string, unknown>));
    expect(alerts.map((a) => [a['rule_id'], a['entity']])).toEqual([['by-trunk', 'trunk-a'], ['by-cli', '+442071230002']]);
  });

  it('rejects a keyed record without its route header instead of running every rule on it', async () => {
    const { sent, pipelines } = setup();
    await pipelines[0]!.handleBatch(batch('keyed', 0, [{ value: Buffer.from(JSON.stringify(start('c1', 'trunk-a', '+442071230001', T0))), headers: { 'route-stream': 'calls' } }]));
    expect(sent.filter((s) => s.topic === 'keyed-dlq').flatMap((s) => s.records.map((r) => r.headers?.['dlq-path']))).toEqual(['route']);
  });
});
