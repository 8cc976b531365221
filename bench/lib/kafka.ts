import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import { hash32 } from '@telfraud/core';
import { brokerControl } from '../../test/support/broker-control.js';

export type StackEnv = Record<string, string>;

export function brokersOf(env: StackEnv): string[] {
  const list = (env['KAFKA_BROKERS'] ?? '').split(',').filter((b) => b.length > 0);
  if (list.length === 0) throw new Error('KAFKA_BROKERS missing from .data/env: run `make up`');
  return list;
}

export function benchKafka(env: StackEnv, clientId = 'bench'): Kafka {
  return new Kafka({ clientId, brokers: brokersOf(env), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200 } });
}

/** Fresh topics through the mock broker's control port (kafkajs admin cannot create topics on it). */
export async function createTopics(env: StackEnv, topics: [name: string, partitions: number][]): Promise<void> {
  const control = env['KAFKA_CONTROL'];
  if (!control) throw new Error('KAFKA_CONTROL missing from .data/env: run `make up`');
  for (const [name, partitions] of topics) await brokerControl(control, `create-topic ${name} ${partitions}`);
}

/** Messages ever produced, and still held (the mock keeps about the last 5 MB of each partition). */
export async function topicSize(kafka: Kafka, topic: string): Promise<{ produced: number; retained: number; partitions: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    let produced = 0;
    let retained = 0;
    for (const o of offsets) {
      produced += Number(o.high);
      retained += Number(o.high) - Number(o.low);
    }
    return { produced, retained, partitions: offsets.length };
  } finally {
    await admin.disconnect();
  }
}

export interface OutRecord {
  key: string;
  value: Buffer;
  timestamp?: string;
}

export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}

/**
 * Produces everything `source` yields as fast as the broker takes it. Records go to the partition
 * of their key's hash (so a key always lands in one partition, as with the services' partitioner)
 * and are sent as one record batch of `perPartitionBatch` records per partition, a few sends in
 * flight. The batch size matters on the mock broker: it answers a fetch with exactly one record
 * batch per partition, whatever the fetch size, so consumers see the producer's batches. Real
 * Kafka fills a fetch up to its byte limit; sizing the batches like the consumer's fetch mimics that.
 */
export async function produceAll(
  kafka: Kafka,
  topic: string,
  partitions: number,
  source: Iterable<OutRecord> | AsyncIterable<OutRecord>,
  options: { perPartitionBatch: number; inFlight?: number; onProgress?: (sent: number) => void },
): Promise<{ sent: number; ms: number }> {
  const producer = await connectProducer(kafka);
  const inFlight = options.inFlight ?? 4;
  const started = Date.now();
  const pending = new Set<Promise<unknown>>();
  const groups: OutRecord[][] = Array.from({ length: partitions }, () => []);
  let sent = 0;
  let lastReport = 0;
  let failure: unknown;
  const send = async (partition: number): Promise<void> => {
    const messages = groups[partition]!.map((r) => ({ ...r, partition }));
    if (messages.length === 0) return;
    groups[partition] = [];
    const p = producer.send({ topic, acks: -1, messages }).catch((err: unknown) => { failure ??= err; });
    pending.add(p);
    void p.finally(() => pending.delete(p));
    sent += messages.length;
    if (options.onProgress && sent - lastReport >= 100_000) {
      lastReport = sent;
      options.onProgress(sent);
    }
    while (pending.size >= inFlight) await Promise.race(pending);
    if (failure) throw failure;
  };
  try {
    for await (const r of source) {
      const partition = hash32(r.key) % partitions;
      const group = groups[partition]!;
      group.push(r);
      if (group.length >= options.perPartitionBatch) await send(partition);
    }
    for (let p = 0; p < partitions; p++) await send(p);
    await Promise.all(pending);
    if (failure) throw failure;
  } finally {
    await producer.disconnect();
  }
  return { sent, ms: Date.now() - started };
}
