import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { PipelineTopics } from './pipeline-harness.js';
import type { EventRecord } from './campaign-dataset.js';
import { sleep } from './wait-for.js';

export interface RawMessage {
  key?: string | null;
  value: Buffer | null;
  partition?: number;
  headers?: Record<string, string>;
}

/**
 * Produces call and SMS events as the contract says (Avro, wire format, keyed by call id and
 * recipient) to a harness's topics. Sends are retried until `retryForMs` passes, so a test can
 * keep producing through broker faults it injects itself.
 */
export class EventProducer {
  private constructor(
    private readonly producer: Producer,
    private readonly calls: AvroTopicCodec<EventRecord>,
    private readonly sms: AvroTopicCodec<EventRecord>,
    private readonly retryForMs: number,
  ) {}

  static async create(env: Record<string, string>, clientId: string, retryForMs = 60_000): Promise<EventProducer> {
    const kafka = new Kafka({ clientId, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const registry = createRegistryClient({ schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const logger = createLogger({ level: 'warn' });
    const calls = await AvroTopicCodec.create<EventRecord>(registry, loadTopicSchema('call-events'), { logger });
    const sms = await AvroTopicCodec.create<EventRecord>(registry, loadTopicSchema('sms-events'), { logger });
    return new EventProducer(producer, calls, sms, retryForMs);
  }

  encodeCall(event: EventRecord): Buffer {
    return this.calls.encode(event);
  }

  /**
   * Calls then SMS, in chunks of `chunk` records, pausing `pauseMs` between chunks (a steady rate);
   * `gate` is awaited before each chunk (a test holding production back).
   */
  async sendEvents(
    topics: PipelineTopics,
    part: { calls: EventRecord[]; sms: EventRecord[] },
    options: { chunk?: number; pauseMs?: number; gate?: () => Promise<void> } = {},
  ): Promise<void> {
    const chunk = options.chunk ?? 2_000;
    const steps = Math.max(1, Math.ceil(part.calls.length / chunk));
    for (let i = 0; i < steps; i++) {
      const calls = part.calls.slice(Math.floor((part.calls.length * i) / steps), Math.floor((part.calls.length * (i + 1)) / steps));
      const sms = part.sms.slice(Math.floor((part.sms.length * i) / steps), Math.floor((part.sms.length * (i + 1)) / steps));
      await options.gate?.();
      await this.send(topics.calls, calls.map((e) => ({ key: String(e['call_id']), value: this.calls.encode(e) })));
      await this.send(topics.sms, sms.map((e) => ({ key: String(e['recipient_number']), value: this.sms.encode(e) })));
      if (options.pauseMs && i < steps - 1) await sleep(options.pauseMs);
    }
  }

  /** Sends as they are (bad input), retrying through broker faults. */
  async send(topic: string, messages: RawMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const deadline = Date.now() + this.retryForMs;
    for (;;) {
      try {
        await this.producer.send({ topic, acks: -1, messages });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
