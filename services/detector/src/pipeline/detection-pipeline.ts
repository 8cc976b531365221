import {
  PipelineError, contractValue, toPipelineError,
  type ConsumedBatch, type ConsumedRecord, type DeadLetterPublisher, type Logger, type MessageProducer, type RecordDecoder,
} from '@telfraud/common';
import {
  validateCallEvent, validateSmsEvent,
  type Alert, type CallEvent, type DetectionEngine, type EngineOutput, type SmsEvent, type VictimExposure,
} from '@telfraud/core';
import type { DetectorMetrics } from '../adapters/detector-metrics.js';
import { ROUTE_HEADERS } from '../keyed/route-headers.js';
import { partitionSource, subSource } from './source-id.js';

export interface ValueEncoder<T> {
  encode(value: T): Buffer;
}

export interface DetectionPipelineDeps {
  engine: () => DetectionEngine;
  callDecoder: RecordDecoder;
  smsDecoder: RecordDecoder | undefined;
  alertEncoder: ValueEncoder<Alert>;
  victimEncoder: ValueEncoder<VictimExposure>;
  producer: MessageProducer;
  deadLetters: DeadLetterPublisher;
  metrics: DetectorMetrics;
  logger: Logger;
  /** `keyed`: the topic the router fills (keyed routing); its records carry their stream and route in headers. */
  topics: { calls: string; sms: string | undefined; alerts: string; victims: string; keyed?: string };
  /** Keyed routing: decodes alerts read back from the alerts topic, which flag origins for the OTP correlation. */
  alertDecoder?: RecordDecoder<Alert>;
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
  /**
   * Records the engine parked as too far ahead that later records may still confirm (then they are
   * processed) or contradict (then they go to the dead-letter topic as FUTURE_EVENT).
   */
  /** Records held as too far ahead: `heldAt` is the stream's event time when they arrived. */
  private readonly waiting = new Map<CallEvent | SmsEvent, { record: ConsumedRecord; heldAt: number }>();

  constructor(private readonly deps: DetectionPipelineDeps) {}

  async handleBatch(batch: ConsumedBatch): Promise<void> {
    const { deps } = this;
    const keyed = batch.topic === deps.topics.keyed;
    const isCallsTopic = batch.topic === deps.topics.calls;
    deps.metrics.consumed.inc({ topic: batch.topic }, batch.records.length);
    deps.metrics.batchSize.observe(batch.records.length);
    deps.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, batch.lag);
    if (!keyed && !isCallsTopic && !deps.smsDecoder) return;
    const isCall = (r: ConsumedRecord): boolean => (keyed ? r.headers[ROUTE_HEADERS.stream] !== 'sms' : isCallsTopic);
    // A registry outage throws here, before anything is processed: the batch is retried, not lost.
    if (!keyed) await (isCallsTopic ? deps.callDecoder : deps.smsDecoder)?.prepare(batch.records.map((r) => r.value));
    else {
      await Promise.all([
        deps.callDecoder.prepare(batch.records.filter(isCall).map((r) => r.value)),
        deps.smsDecoder?.prepare(batch.records.filter((r) => !isCall(r)).map((r) => r.value)),
      ]);
    }
    const rejected: { record: ConsumedRecord; error: PipelineError }[] = [];
    const engine = deps.engine();
    const horizon = deps.now() + deps.maxFutureSkewMs;
    const source = partitionSource(batch.topic, batch.partition);
    // A partition delivering a batch is behind by definition until the batch is done: it must not
    // be judged against a watermark that partitions already caught up have pushed forward.
    if (keyed || isCallsTopic) engine.setSourceCaughtUp('calls', source, false);
    if (keyed || !isCallsTopic) engine.setSourceCaughtUp('sms', source, false);
    // Keyed records keep their order per origin partition only: each origin is a source of its own.
    const subSources = new Map<string, string>();
    const sourceOf = (r: ConsumedRecord): string => {
      if (!keyed) return source;
      const origin = r.headers[ROUTE_HEADERS.origin] ?? '';
      let s = subSources.get(origin);
      if (s === undefined) subSources.set(origin, (s = subSource(source, origin)));
      return s;
    };
    let duplicates = 0;
    let replayed = 0;
    const takenBackBefore = engine.futureTakenBack;
    const replayBelow = deps.replayBelow?.(batch.topic, batch.partition);
    const out = this.out;
    for (const record of batch.records) {
      const replaying = replayBelow !== undefined && Number(record.offset) < replayBelow;
      const mark = replaying ? { alerts: out.alerts.length, victims: out.victims.length } : undefined;
      try {
        const call = isCall(record);
        const route = keyed ? record.headers[ROUTE_HEADERS.route] : undefined;
        if (keyed && !route) throw new PipelineError('CONTRACT_VIOLATION', `a record of the keyed topic without its ${ROUTE_HEADERS.route} header`, { path: ROUTE_HEADERS.route });
        const decoder = call ? deps.callDecoder : deps.smsDecoder;
        if (!decoder) throw new PipelineError('CONTRACT_VIOLATION', 'an SMS record while the SMS stream is off (DETECTOR_SMS_TOPIC=none)');
        const raw = decoder.decode(record.value);
        // A keyed record is the bytes of an event the router checked against the contract before
        // writing it: decoded here, not checked a second time.
        const event = keyed ? (raw as CallEvent | SmsEvent) : contractValue<CallEvent | SmsEvent>(call ? validateCallEvent(raw) : validateSmsEvent(raw));
        if (event.ts > horizon) throw new PipelineError('CONTRACT_VIOLATION', `ts ${event.ts} is more than ${deps.maxFutureSkewMs} ms ahead of the wall clock`, { path: 'ts' });
        const outcome = call
          ? engine.processCall(event as CallEvent, out, sourceOf(record), route)
          : engine.processSms(event as SmsEvent, out, sourceOf(record));
        if (outcome === 'late') throw new PipelineError('LATE_EVENT', `event time ${event.ts} is behind the watermark`, { path: 'ts' });
        if (outcome === 'future' && !replaying) {
          this.waiting.set(event, { record, heldAt: engine.eventTime });
        }
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
    const takenBack = engine.futureTakenBack - takenBackBefore;
    if (takenBack > 0) {
      deps.metrics.futureTakenBack.inc({ topic: batch.topic }, takenBack);
      deps.logger.info('events held as too far ahead were processed after all: later events confirmed the jump in event time', { count: takenBack, topic: batch.topic, partition: batch.partition });
    }
    // Caught up again only once the partition is also idle: PartitionProgressMonitor decides.
    if (duplicates > 0) deps.metrics.duplicates.inc({ topic: batch.topic }, duplicates);
    this.settleWaiting(rejected);
    await this.flushOutputs();
    await deps.deadLetters.park(rejected);
    const last = batch.records[batch.records.length - 1];
    if (last) deps.onBatchProcessed?.(batch.topic, batch.partition, last.offset);
    const now = deps.now();
    for (let i = replayed; i < batch.records.length; i++) deps.metrics.latency.observe(Math.max(0, now - batch.records[i]!.timestamp) / 1000);
  }

  /**
   * Keyed routing: alerts read back from the alerts topic flag their origins here, for OTPs to
   * callees of those origins whose calls this instance holds. OTP alerts they complete are produced
   * before the batch resolves. Undecodable records are skipped: the alerts topic is ours, and the
   * sink parks them.
   */
  async handleRemoteAlerts(batch: ConsumedBatch): Promise<void> {
    const { deps } = this;
    const decoder = deps.alertDecoder;
    if (!decoder) return;
    await decoder.prepare(batch.records.map((r) => r.value));
    const engine = deps.engine();
    for (const record of batch.records) {
      let alert: Alert;
      try {
        alert = decoder.decode(record.value);
      } catch (err) {
        deps.logger.warn('cannot read an alert back from the alerts topic', { err, partition: batch.partition, offset: record.offset });
        continue;
      }
      engine.processRemoteAlert(alert, this.out);
    }
    deps.metrics.remoteAlerts.inc(batch.records.length);
    await this.flushOutputs();
  }

  /**
   * Every assigned partition has gone quiet at its end: records parked as too far ahead that
   * nothing read after them contradicts were the end of the traffic (the last calls of a run that
   * stopped after a gap), and are processed after all, as the replay does at the end of its files.
   */
  async releaseQuietTail(): Promise<void> {
    const n = this.deps.engine().releaseQuietTail(this.out);
    const rejected: { record: ConsumedRecord; error: PipelineError }[] = [];
    this.settleWaiting(rejected);
    if (n > 0) {
      this.deps.metrics.futureTakenBack.inc({ topic: 'all' }, n);
      this.deps.logger.info('events held as too far ahead were processed after all: every partition went quiet after them', { count: n });
    }
    await this.flushOutputs();
    await this.deps.deadLetters.park(rejected);
  }

  /** Held records whose fate is known: processed ones are let go, contradicted ones parked. */
  private settleWaiting(rejected: { record: ConsumedRecord; error: PipelineError }[]): void {
    if (this.waiting.size === 0) return;
    const engine = this.deps.engine();
    for (const [event, held] of this.waiting) {
      const status = engine.futureStatus(event);
      if (status === 'waiting') continue;
      this.waiting.delete(event);
      if (status === 'parked') {
        const why = engine.futureDropReason(event) ?? 'given up';
        rejected.push({
          record: held.record,
          error: new PipelineError('FUTURE_EVENT', `event time ${event.ts} was ${event.ts - held.heldAt} ms ahead of the stream's event time ${held.heldAt} (settings.maxEventTimeJump); ${why}`, { path: 'ts' }),
        });
      }
    }
  }

  /**
   * Takes the outputs before the first await: with keyed routing, two consumers (keyed records and
   * alerts read back) hand batches in concurrently, and each must produce only its own.
   */
  private async flushOutputs(): Promise<void> {
    if (this.out.alerts.length === 0 && this.out.victims.length === 0) return;
    const alerts = this.out.alerts.splice(0);
    const victims = this.out.victims.splice(0);
    const { deps } = this;
    const alertRecords = alerts.map((a) => ({ key: a.alert_id, value: deps.alertEncoder.encode(a) }));
    const victimRecords = victims.map((v) => ({ key: v.victim_number, value: deps.victimEncoder.encode(v) }));
    await Promise.all([deps.producer.send(deps.topics.alerts, alertRecords), deps.producer.send(deps.topics.victims, victimRecords)]);
    for (const a of alerts) deps.metrics.alerts.inc({ rule_id: a.rule_id, severity: a.severity });
    deps.metrics.victims.inc(victims.length);
    if (alerts.length > 0) {
      deps.logger.info('alerts emitted', { count: alerts.length, rules: [...new Set(alerts.map((a) => a.rule_id))] });
    }
  }
}
