import type { Counter } from 'prom-client';
import type { PipelineError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConsumedRecord, MessageProducer } from './kafka-port.js';

/** Dead-letter messages above this size keep only their headers: the broker would refuse them. */
const MAX_PARKED_VALUE_BYTES = 900_000;

/**
 * Parks a record that cannot be processed on `<topic>-dlq`, with the original key and bytes and
 * the reason in headers, and counts it by reason. Bad input is never dropped silently.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: MessageProducer,
    private readonly rejected: Counter<'topic' | 'reason'>,
    private readonly logger: Logger,
    private readonly suffix = '-dlq',
  ) {}

  async park(records: { record: ConsumedRecord; error: PipelineError }[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, { record: ConsumedRecord; error: PipelineError }[]>();
    for (const item of records) {
      this.rejected.inc({ topic: item.record.topic, reason: item.error.code });
      const list = byTopic.get(item.record.topic) ?? [];
      list.push(item);
      byTopic.set(item.record.topic, list);
    }
    for (const [topic, items] of byTopic) {
      const first = items[0];
      this.logger.warn('records parked on dead-letter topic', {
        topic: topic + this.suffix,
        count: items.length,
        firstReason: first?.error.code,
        firstMessage: first?.error.message.slice(0, 300),
        firstOffset: first?.record.offset,
        firstPartition: first?.record.partition,
      });
      await this.producer.send(
        topic + this.suffix,
        items.map(({ record, error }) => {
          const oversized = (record.value?.length ?? 0) > MAX_PARKED_VALUE_BYTES;
          return {
            key: record.key,
            value: oversized || !record.value ? Buffer.alloc(0) : record.value,
            headers: {
              'dlq-reason': error.code,
              'dlq-message': error.message.slice(0, 1000),
              ...(error.path ? { 'dlq-path': error.path } : {}),
              'dlq-source-topic': record.topic,
              'dlq-source-partition': String(record.partition),
              'dlq-source-offset': record.offset,
              ...(oversized ? { 'dlq-truncated-bytes': String(record.value?.length ?? 0) } : {}),
            },
          };
        }),
      );
    }
  }
}
