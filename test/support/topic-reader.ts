import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for.js';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every record of `topic` up to its current end, read under a throwaway group that never commits. */
export async function readTopic(env: Record<string, string>, topic: string, timeoutMs = 30_000): Promise<ReadRecord[]> {
  const kafka = new Kafka({ clientId: 'test-topic-reader', brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const wanted = new Map<number, { low: number; high: number }>(ends.map((e) => [e.partition, { low: Number(e.low), high: Number(e.high) }]));
  const remaining = (): number => [...wanted.values()].reduce((n, p) => n + Math.max(0, p.high - p.low), 0);
  const records: ReadRecord[] = [];
  if (remaining() === 0) return records;
  const consumer = kafka.consumer({ groupId: `test-reader-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxBytesPerPartition: 10_485_760 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const p = wanted.get(partition);
        if (!p || Number(message.offset) >= p.high) return;
        p.low = Number(message.offset) + 1;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = String(Array.isArray(v) ? v[0] : v);
        records.push({ partition, offset: message.offset, key: message.key?.toString('utf8') ?? null, value: message.value, headers });
      },
    });
    await waitFor(`all of ${topic} read`, async () => (remaining() === 0 ? true : undefined), timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return records;
}
