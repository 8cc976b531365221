import {
  Kafka,
  PartitionAssigners,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Assigner,
  type KafkaConfig,
  type PartitionAssigner,
  type Producer,
} from 'kafkajs';
import type { Logger } from '../logger.js';
import type { KafkaPort, MessageProducer, OutgoingRecord } from './kafka-port.js';
import { KafkajsConsumer, type StartPositions } from './kafkajs-consumer.js';
import { ConfluentConsumer, loadConfluentModule } from './confluent-consumer.js';
import { sleep } from '../retry/sleep.js';
import { resolveKafkaSecurity, type KafkaSecurityConfig } from './kafka-security.js';

export interface KafkaConnectionConfig extends KafkaSecurityConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaAssignerDelayMs: number;
  kafkaFetchMaxWaitMs: number;
  /** Which client consumes (producers and admin requests stay on kafkajs). Default kafkajs. */
  kafkaClient?: 'kafkajs' | 'confluent';
}

/**
 * librdkafka's mock cluster answers a follower's late SyncGroup with INVALID_REQUEST; holding the
 * leader's assignment back lets followers sync first. Real brokers never need this (delay 0).
 */
function delayedRoundRobin(delayMs: number): PartitionAssigner {
  return (ctx) => {
    const inner: Assigner = PartitionAssigners.roundRobin(ctx);
    return {
      name: inner.name,
      version: inner.version,
      protocol: (subscription) => inner.protocol(subscription),
      assign: async (group) => {
        await sleep(delayMs);
        return inner.assign(group);
      },
    };
  };
}

class KafkajsProducer implements MessageProducer {
  private closing: Promise<void> | undefined;
  constructor(private readonly producer: Producer) {}

  async send(topic: string, records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        ...(r.headers ? { headers: r.headers } : {}),
        ...(r.partition !== undefined ? { partition: r.partition } : {}),
      })),
    });
  }

  close(): Promise<void> {
    this.closing ??= this.producer.disconnect();
    return this.closing;
  }
}

export function createKafkaPort(config: KafkaConnectionConfig, logger: Logger): KafkaPort {
  const log = logger.child({ component: 'kafkajs' });
  // TLS and SASL settings are checked and their files read here, before any connection.
  const { ssl, sasl } = resolveKafkaSecurity(config);
  const kafkaConfig: KafkaConfig = {
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    ssl,
    ...(sasl ? { sasl } : {}),
    retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 10_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...rest } = entry;
      const fields = { kafkaLogger: namespace, ...rest };
      const msg = String(message);
      if (level <= KafkaLogLevel.ERROR) log.error(msg, fields);
      else log.warn(msg, fields);
    },
  };
  const kafka = new Kafka(kafkaConfig);
  // A short-lived admin: only partitions a group has never committed need it, at assignment.
  const starts: StartPositions = {
    async uncommitted(groupId, topic, partitions, fromBeginning) {
      const admin = kafka.admin({ retry: { retries: 5 } });
      await admin.connect();
      try {
        const [groups, ends] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
        const committed = new Map((groups[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
        return ends
          .filter((e) => partitions.includes(e.partition) && (committed.get(e.partition) ?? -1) < 0)
          .map((e) => ({ partition: e.partition, offset: fromBeginning ? e.low : e.high }));
      } finally {
        await admin.disconnect();
      }
    },
  };
  // Loaded at once, so that a missing package fails the start-up, not the first consumer.
  const confluent = config.kafkaClient === 'confluent' ? loadConfluentModule() : undefined;
  const assigners = config.kafkaAssignerDelayMs > 0 ? [delayedRoundRobin(config.kafkaAssignerDelayMs)] : [PartitionAssigners.roundRobin];
  return {
    createConsumer(options) {
      if (confluent) {
        const connection = {
          brokers: config.kafkaBrokers, clientId: config.kafkaClientId, ssl: config.kafkaSsl, fetchMaxWaitMs: config.kafkaFetchMaxWaitMs,
          sasl: config.kafkaSaslMechanism === 'none' ? undefined : { mechanism: config.kafkaSaslMechanism, username: config.kafkaSaslUsername ?? '', password: config.kafkaSaslPassword ?? '' },
        };
        return new ConfluentConsumer(confluent, connection, options, logger.child({ component: 'confluent-kafka' }), starts);
      }
      const consumer = kafka.consumer({
        groupId: options.groupId,
        partitionAssigners: assigners,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: 1_000,
        maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
        maxWaitTimeInMs: config.kafkaFetchMaxWaitMs,
        retry: { retries: 10 },
      });
      return new KafkajsConsumer(consumer, options, log, starts);
    },
    async createProducer() {
      const producer = kafka.producer({
        allowAutoTopicCreation: false, idempotent: false, createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 8 },
      });
      await producer.connect();
      return new KafkajsProducer(producer);
    },
    async createOffsetsReader() {
      const admin = kafka.admin({ retry: { retries: 3 } });
      await admin.connect();
      let closing: Promise<void> | undefined;
      return {
        async positions(groupId: string, topic: string) {
          const [ends, groups] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
          const committed = new Map((groups[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)] as const));
          return ends.map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high), committed: committed.get(o.partition) ?? -1 }));
        },
        async offsetsAtTime(topic: string, timestampMs: number) {
          // kafkajs answers the high watermark where the broker has no offset at or after the time.
          const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
          return offsets.map((o) => ({ partition: o.partition, offset: Number(o.offset) }));
        },
        close() {
          closing ??= admin.disconnect();
          return closing;
        },
      };
    },
    async fetchEndOffsets(topic) {
      // A short-lived admin: callers ask rarely (start-up, registry writes), and the port has no close().
      const admin = kafka.admin({ retry: { retries: 5 } });
      await admin.connect();
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.map((o) => ({ partition: o.partition, offset: o.high }));
      } finally {
        await admin.disconnect();
      }
    },
  };
}
