import {
  PipelineError, toPipelineError,
  type ConsumedBatch, type ConsumedRecord, type DeadLetterPublisher, type Logger, type MessageProducer,
} from '@telfraud/common';
import {
  validateCallEvent, validateSmsEvent,
  type Alert, type CallEvent, type DetectionEngine, type EngineOutput, type SmsEvent, type VictimExposure,
} from '@telfraud/core';
import type { DetectorMetrics } from './detector-metrics.js';

export interface ValueDecoder<T> {
  prepare(values: Iterable<Buffer | null>): Promise<void>;
  decode(value: Buffer | null): T;
}

export interface ValueEncoder<T> {
  encode(value: T): Buffer;
}

export interface DetectionPipelineDeps {
  engine: () => DetectionEngine;
  callDecoder: ValueDecoder<unknown>;
  smsDecoder: ValueDecoder<unknown> | undefined;
  alertEncoder: ValueEncoder<Alert>;
  victimEncoder: ValueEncoder<VictimExposure>;
  producer: MessageProducer;
  deadLetters: DeadLetterPublisher;
  metrics: DetectorMetrics;
  logger: Logger;
  topics: { calls: string; sms: string | undefined; alerts: string; victims: string };
  now: () => number;
  maxFutureSkewMs: number;
  /** Told after each batch, so partition progress is known between offset polls. */
  onBatchProcessed?: (topic: string, partition: number, lastOffset: string) => void;
  /**
   * Records of the partition below this offset were processed before a restart (their alerts
   * produced, their bad records parked, then committed): re-read only to rebuild window state.
   */
  replayBelow?: (topic: string, partition: number) => number | undefined;
}

/**
 * Source → decode → core → sink for one consumed batch. Alerts and victims are produced, and bad
 * records parked, before the handler resolves: only then does the consumer commit the offsets.
 * Records re-read below a partition's committed position after a restart feed the engine only:
 * what they yield (alerts, victims, dead letters, duplicate counts) was emitted before.
 */
export class DetectionPipeline {
  private readonly out: EngineOutput = { alerts: [], victims: [] };

  constructor(private readonly deps: DetectionPipelineDeps) {}

  async handleBatch(batch: ConsumedBatch): Promise<void> {
    const { deps } = this;
    const isCalls = batch.topic === deps.topics.calls;
    const decoder = isCalls ? deps.callDecoder : deps.smsDecoder;
    deps.metrics.consumed.inc({ topic: batch.topic }, batch.records.length);
    deps.metrics.batchSize.observe(batch.records.length);
    deps.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, batch.lag);
    if (!decoder) return;
    // A registry outage throws here, before anything is processed: the batch is retried, not lost.
    await decoder.prepare(batch.records.map((r) => r.value));
    const rejected: { record: ConsumedRecord; error: PipelineError }[] = [];
    const engine = deps.engine();
    const horizon = deps.now() + deps.maxFutureSkewMs;
    const source = `${batch.topic}/${batch.partition}`;
    const stream = isCalls ? 'calls' : 'sms';
    // A partition delivering a batch is behind by definition until the batch is done: it must not
    // be judged against a watermark that partitions already caught up have pushed forward.
    engine.setSourceCaughtUp(stream, source, false);
    let duplicates = 0;
    let replayed = 0;
    const replayBelow = deps.replayBelow?.(batch.topic, batch.partition);
    const out = this.out;
    for (const record of batch.records) {
      const replaying = replayBelow !== undefined && Number(record.offset) < replayBelow;
      const mark = replaying ? { alerts: out.alerts.length, victims: out.victims.length } : undefined;
      try {
        const raw = decoder.decode(record.value);
        const v = isCalls ? validateCallEvent(raw) : validateSmsEvent(raw);
        if (!v.ok) throw new PipelineError('CONTRACT_VIOLATION', v.violation.message, { path: v.violation.path });
        if (v.value.ts > horizon) throw new PipelineError('CONTRACT_VIOLATION', `ts ${v.value.ts} is more than ${deps.maxFutureSkewMs} ms ahead of the wall clock`, { path: 'ts' });
        const outcome = isCalls ? engine.processCall(v.value as CallEvent, this.out, source) : engine.processSms(v.value as SmsEvent, this.out, source);
        if (outcome === 'late') throw new PipelineError('LATE_EVENT', `event time ${v.value.ts} is behind the watermark`, { path: 'ts' });
        if (outcome === 'duplicate' && !replaying) duplicates++;
      } catch (err) {
        if (!replaying) rejected.push({ record, error: toPipelineError(err, 'DECODE_FAILED') });
      }
      if (mark) {
        out.alerts.length = mark.alerts;
        out.victims.length = mark.victims;
        replayed++;
      }
    }
    if (replayed > 0) deps.metrics.replayed.inc({ topic: batch.topic }, replayed);
    // Caught up again only once the partition is also idle: PartitionProgressMonitor decides.
    if (duplicates > 0) deps.metrics.duplicates.inc({ topic: batch.topic }, duplicates);
    await this.flushOutputs();
    await deps.deadLetters.park(rejected);
    const last = batch.records[batch.records.length - 1];
    if (last) deps.onBatchProcessed?.(batch.topic, batch.partition, last.offset);
    const now = deps.now();
    for (let i = replayed; i < batch.records.length; i++) deps.metrics.latency.observe(Math.max(0, now - batch.records[i]!.timestamp) / 1000);
  }

  private async flushOutputs(): Promise<void> {
    const { alerts, victims } = this.out;
    if (alerts.length === 0 && victims.length === 0) return;
    const { deps } = this;
    const alertRecords = alerts.map((a) => ({ key: a.alert_id, value: deps.alertEncoder.encode(a) }));
    const victimRecords = victims.map((v) => ({ key: v.victim_number, value: deps.victimEncoder.encode(v) }));
    await Promise.all([deps.producer.send(deps.topics.alerts, alertRecords), deps.producer.send(deps.topics.victims, victimRecords)]);
    for (const a of alerts) deps.metrics.alerts.inc({ rule_id: a.rule_id, severity: a.severity });
    deps.metrics.victims.inc(victims.length);
    if (alerts.length > 0) {
      deps.logger.info('alerts emitted', { count: alerts.length, rules: [...new Set(alerts.map((a) => a.rule_id))] });
    }
    alerts.length = 0;
    victims.length = 0;
  }
}
