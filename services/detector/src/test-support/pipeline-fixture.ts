import { Registry } from 'prom-client';
import { DeadLetterPublisher, createLogger, type MessageProducer, type OutgoingRecord, type RecordDecoder } from '@telfraud/common';
import { DetectionEngine, EMPTY_REFERENCE, validateRulePack, type CallEvent, type RulePack } from '@telfraud/core';
import { DetectionPipeline } from '../pipeline/detection-pipeline.js';
import { createDetectorMetrics } from '../adapters/detector-metrics.js';

/** A detection pipeline on JSON records, a recording producer and its own metrics registry, for the pipeline's tests. */

export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
export const TOPICS = { calls: 'calls', sms: undefined, alerts: 'alerts', victims: 'victims' };

/** `starts` STARTs on one trunk within a minute fire. */
export const burstPack = (starts: number): RulePack => validateRulePack({
  version: 1, name: 'test',
  rules: [{
    id: 'burst', severity: 'HIGH', key: ['ingress_trunk'], window: { type: 'sliding', size: '60s', hop: '10s' },
    measures: { starts: { fn: 'count', where: { field: 'type', eq: 'START' } } }, when: [{ measure: 'starts', op: '>=', value: starts }],
  }],
});

export const start = (id: string, trunk: string, at: number): CallEvent => ({
  event_id: `${id}-s`, call_id: id, type: 'START', ts: at, calling_number: '+442071234567', called_number: '+447700900001',
  ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C', duration_ms: null, sip_code: null,
});

const json: RecordDecoder = { prepare: () => Promise.resolve(), decode: (b) => JSON.parse(b?.toString('utf8') ?? '') as unknown };

export interface PipelineFixture {
  pipeline: DetectionPipeline;
  engine: DetectionEngine;
  registry: Registry;
  /** Every send to the producer, in order. */
  sent: { topic: string; records: OutgoingRecord[] }[];
}

export function pipelineFixture(pack: RulePack, clock: { now: () => number; replayBelow?: () => number | undefined }): PipelineFixture {
  const sent: { topic: string; records: OutgoingRecord[] }[] = [];
  const producer: MessageProducer = { send: async (topic, records) => void sent.push({ topic, records }), close: async () => {} };
  const engine = new DetectionEngine(pack, EMPTY_REFERENCE);
  const registry = new Registry();
  const metrics = createDetectorMetrics(registry, () => engine);
  const logger = createLogger({ level: 'error' });
  const pipeline = new DetectionPipeline({
    engine: () => engine, callDecoder: json, smsDecoder: undefined,
    alertEncoder: { encode: (a) => Buffer.from(JSON.stringify(a)) }, victimEncoder: { encode: (v) => Buffer.from(JSON.stringify(v)) },
    producer, deadLetters: new DeadLetterPublisher(producer, metrics.rejected, logger), metrics, logger, topics: TOPICS,
    now: clock.now, maxFutureSkewMs: 600_000, ...(clock.replayBelow ? { replayBelow: clock.replayBelow } : {}),
  });
  return { pipeline, engine, registry, sent };
}

/** The JSON values sent to `topic`. */
export const sentValues = (sent: PipelineFixture['sent'], topic: string): Record<string, unknown>[] =>
  sent.filter((s) => s.topic === topic).flatMap((s) => s.records.map((r) => JSON.parse(r.value.toString('utf8')) as Record<string, unknown>));
