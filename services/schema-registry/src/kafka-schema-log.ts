import { randomUUID } from 'node:crypto';
import {
  PipelineError,
  retry,
  toPipelineError,
  type ConsumedBatch,
  type KafkaPort,
  type Logger,
  type MessageConsumer,
  type MessageProducer,
} from '@telfraud/common';
import { decodeRecord, encodeRecord, type RegistryRecord } from './log-records.js';
import { LogPositions } from './log-positions.js';
import type { RegistryMetrics } from './registry-metrics.js';
import type { SchemaLog } from './schema-log.js';
import type { SchemaStore } from './schema-store.js';

export interface KafkaSchemaLogOptions {
  kafka: KafkaPort;
  topic: string;
  /** A fresh consumer group `<prefix>-<uuid>` per start, which never commits: every start replays the topic. */
  groupIdPrefix: string;
  store: SchemaStore;
  logger: Logger;
  metrics: RegistryMetrics;
  /** Default deadline of `catchUp`. */
  catchUpTimeoutMs: number;
}

/**
 * The `_schemas` topic as the registry's log: reads it from the beginning and keeps tailing it
 * into the store (so several instances converge), writes to partition 0 with acks=all, and
 * catches up by waiting for the reader to pass the topic's current high watermarks.
 */
export class KafkaSchemaLog implements SchemaLog {
  private readonly positions = new LogPositions();
  private consumer: MessageConsumer | undefined;
  private closing: Promise<void> | undefined;
  private rejectDone: (err: Error) => void = () => undefined;
  /** Rejects if the reader crashes for good. */
  readonly done = new Promise<void>((_resolve, reject) => {
    this.rejectDone = reject;
  });

  private constructor(
    private readonly options: KafkaSchemaLogOptions,
    private readonly producer: MessageProducer,
  ) {
    this.done.catch(() => undefined);
  }

  /** Connects the producer; reading starts with `startReading`, so the HTTP face can come up in between. */
  static async open(options: KafkaSchemaLogOptions): Promise<KafkaSchemaLog> {
    try {
      return new KafkaSchemaLog(options, await options.kafka.createProducer());
    } catch (err) {
      throw toPipelineError(err, 'KAFKA_UNAVAILABLE');
    }
  }

  /** Joins a fresh group on the topic from its beginning and applies every record to the store from now on. */
  async startReading(): Promise<void> {
    if (this.consumer) return;
    const consumer = this.options.kafka.createConsumer({
      groupId: `${this.options.groupIdPrefix}-${randomUUID()}`,
      topics: [this.options.topic],
      fromBeginning: true,
      autoCommit: false,
      onCrash: (err) => this.crashed(err),
    });
    this.consumer = consumer;
    try {
      await consumer.run((batch) => Promise.resolve(this.applyBatch(batch)));
    } catch (err) {
      throw toPipelineError(err, 'KAFKA_UNAVAILABLE');
    }
  }

  async append(record: RegistryRecord): Promise<void> {
    const { key, value } = encodeRecord(record);
    if (value === null) throw new PipelineError('INTERNAL', `the registry does not write tombstones (${key})`);
    try {
      await this.producer.send(this.options.topic, [{ key, value: Buffer.from(value, 'utf8'), partition: 0 }]);
    } catch (err) {
      throw toPipelineError(err, 'KAFKA_UNAVAILABLE');
    }
  }

  /** Waits until every record written before the call is in the store; retries the offset lookup until the deadline. */
  async catchUp(timeoutMs = this.options.catchUpTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    try {
      await retry(async () => {
        const ends = await this.options.kafka.fetchEndOffsets(this.options.topic);
        await this.positions.waitFor(ends, Math.max(1, deadline - Date.now()), `topic ${this.options.topic}`);
      }, {
        backoff: { initialMs: 200, maxMs: 2_000 },
        deadline: { at: deadline },
        retryable: (err) => !(err instanceof PipelineError),
        onRetry: (err, _attempt, delay) => this.options.logger.warn('cannot read the end offsets of the schemas topic yet', { topic: this.options.topic, err, retryInMs: delay }),
      });
    } catch (err) {
      throw toPipelineError(err, 'KAFKA_UNAVAILABLE');
    }
  }

  private applyBatch(batch: ConsumedBatch): void {
    const { store, logger, metrics } = this.options;
    for (const r of batch.records) {
      const decoded = decodeRecord(r.key?.toString('utf8') ?? null, r.value?.toString('utf8') ?? null);
      if (!decoded.ok) {
        metrics.logRecords.inc({ outcome: 'skipped' });
        logger.warn('schemas record skipped', { partition: batch.partition, offset: r.offset, reason: decoded.reason });
        continue;
      }
      const outcome = store.apply(decoded.record);
      metrics.logRecords.inc({ outcome: outcome.applied ? 'applied' : 'ignored' });
      if (!outcome.applied) logger.info('schemas record ignored', { partition: batch.partition, offset: r.offset, reason: outcome.reason });
    }
    const last = batch.records.at(-1);
    if (last) this.positions.advance(batch.partition, BigInt(last.offset) + 1n);
  }

  private crashed(err: Error): void {
    const failure = new PipelineError('KAFKA_UNAVAILABLE', `the schemas topic reader crashed: ${err.message}`, { cause: err });
    this.positions.fail(failure);
    this.rejectDone(failure);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.positions.fail(new PipelineError('INTERNAL', 'the schema log is closed'));
      try {
        await this.consumer?.close();
      } finally {
        await this.producer.close();
      }
    })();
    return this.closing;
  }
}
