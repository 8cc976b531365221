import {
  contractValue, toPipelineError,
  type ConsumedBatch, type ConsumedRecord, type DeadLetterPublisher, type Logger, type MessageProducer, type OutgoingRecord,
  type PipelineError, type RecordDecoder,
} from '@telfraud/common';
import { callRoutes, smsRoute, smsRouteEntity, validateCallEvent, validateSmsEvent, type CallRoute, type RulePack } from '@telfraud/core';
import type { DetectorMetrics } from '../adapters/detector-metrics.js';
import { ROUTE_HEADERS, type RoutedStream } from './route-headers.js';
import { partitionSource } from '../pipeline/source-id.js';

export interface KeyedRouterDeps {
  rulePack: () => RulePack;
  callDecoder: RecordDecoder;
  smsDecoder: RecordDecoder | undefined;
  producer: MessageProducer;
  deadLetters: DeadLetterPublisher;
  metrics: DetectorMetrics;
  logger: Logger;
  topics: { calls: string; sms: string | undefined; keyed: string };
}

/**
 * The repartitioning step of keyed routing. `call-events` is keyed by call id, so one trunk's or
 * one caller ID's calls are spread over every partition; counting per origin on several instances
 * needs them brought together first. Each valid call is written to the keyed topic once per key
 * the rule pack keeps state under (key `route\0entity`, so the default partitioner puts one
 * entity's records on one partition), SMS once under the callee's route. The Avro bytes are
 * forwarded untouched. Offsets are committed only after the batch is written: at least once, and
 * the detection side counts a re-delivered record once.
 */
export class KeyedRouter {
  private pack: RulePack | undefined;
  private routes: CallRoute[] = [];
  private sms: string | undefined;

  constructor(private readonly deps: KeyedRouterDeps) {}

  async handleBatch(batch: ConsumedBatch): Promise<void> {
    const { deps } = this;
    const stream: RoutedStream = batch.topic === deps.topics.calls ? 'calls' : 'sms';
    const decoder = stream === 'calls' ? deps.callDecoder : deps.smsDecoder;
    deps.metrics.consumed.inc({ topic: batch.topic }, batch.records.length);
    deps.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, batch.lag);
    if (!decoder) return;
    this.refreshRoutes();
    await decoder.prepare(batch.records.map((r) => r.value));
    const origin = partitionSource(batch.topic, batch.partition);
    const out: OutgoingRecord[] = [];
    const perRoute = new Map<string, number>();
    const rejected: { record: ConsumedRecord; error: PipelineError }[] = [];
    for (const record of batch.records) {
      try {
        const raw = decoder.decode(record.value);
        // The one contract check of a keyed event: the detection side decodes the forwarded bytes only.
        if (stream === 'calls') {
          const call = contractValue(validateCallEvent(raw));
          for (const r of this.routes) out.push(this.routed(record, stream, r.name, r.entityOf(call), origin, perRoute));
        } else {
          const sms = contractValue(validateSmsEvent(raw));
          if (this.sms) out.push(this.routed(record, stream, this.sms, smsRouteEntity(sms), origin, perRoute));
        }
      } catch (err) {
        rejected.push({ record, error: toPipelineError(err, 'DECODE_FAILED') });
      }
    }
    if (out.length > 0) await deps.producer.send(deps.topics.keyed, out);
    for (const [route, n] of perRoute) deps.metrics.routed.inc({ route }, n);
    await deps.deadLetters.park(rejected);
  }

  private routed(record: ConsumedRecord, stream: RoutedStream, route: string, entity: string, origin: string, perRoute: Map<string, number>): OutgoingRecord {
    perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
    return {
      key: `${route}\u0000${entity}`,
      value: record.value!,
      headers: { [ROUTE_HEADERS.stream]: stream, [ROUTE_HEADERS.route]: route, [ROUTE_HEADERS.origin]: origin },
    };
  }

  /** Routes follow the rule pack: a hot-reloaded pack keyed on something new is routed by it from the next batch. */
  private refreshRoutes(): void {
    const pack = this.deps.rulePack();
    if (pack === this.pack) return;
    this.pack = pack;
    this.routes = callRoutes(pack);
    this.sms = smsRoute(pack);
    this.deps.logger.info('routing by key', { routes: this.routes.map((r) => r.name), sms: this.sms ?? 'not routed (no OTP rule)' });
  }
}
