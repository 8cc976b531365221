// A bare @confluentinc/kafka-javascript consumer (librdkafka, its kafkajs-like API): joins a fresh
// group, reads TOPIC from the earliest offset and counts messages (no decoding), until EXPECT have
// arrived. Prints {count, joinMs, samples} like bare-consumer.ts. The package is not a dependency of
// the project: MODULE is where it is installed (see the README's Kafka-client paragraph).
//   node --import ./bench/ts-hooks.mjs bench/tools/bare-confluent-consumer.ts MODULE BROKERS TOPIC GROUP EXPECT MAX_BYTES_PER_PARTITION
import { createRequire } from 'node:module';
import type { Sample } from '../lib/stats.js';

interface BatchPayload { batch: { messages: unknown[] } }
interface ConfluentConsumer {
  connect(): Promise<void>;
  subscribe(s: { topics: string[] }): Promise<void>;
  run(r: { eachBatch: (p: BatchPayload) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}
interface ConfluentKafkaJS {
  Kafka: new (config: Record<string, unknown>) => { consumer(config: Record<string, unknown>): ConfluentConsumer };
  logLevel: Record<string, number>;
}

const [modulePath, brokers, topic, groupId, expectRaw, maxBytesRaw] = process.argv.slice(2);
if (!modulePath || !brokers || !topic || !groupId || !expectRaw || !maxBytesRaw) throw new Error('usage: bare-confluent-consumer.ts MODULE BROKERS TOPIC GROUP EXPECT MAX_BYTES');
const expect = Number(expectRaw);
const t0 = Date.now();
const { KafkaJS } = createRequire(import.meta.url)(modulePath) as { KafkaJS: ConfluentKafkaJS };
const kafka = new KafkaJS.Kafka({ kafkaJS: { clientId: 'bench-bare-confluent', brokers: brokers.split(','), logLevel: KafkaJS.logLevel['NOTHING'] } });
const consumer = kafka.consumer({
  kafkaJS: { groupId, fromBeginning: true, maxBytesPerPartition: Number(maxBytesRaw), maxWaitTimeInMs: 100 },
  // Whole fetches to the handler, as kafkajs hands them (the default caps a batch at 32 messages).
  'js.consumer.max.batch.size': -1,
});
const samples: Sample[] = [];
let count = 0;
let joinMs: number | undefined;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => (finish = resolve));
await consumer.connect();
await consumer.subscribe({ topics: [topic] });
await consumer.run({
  eachBatch: async ({ batch }) => {
    joinMs ??= Date.now() - t0;
    count += batch.messages.length;
    samples.push({ t: Date.now() - t0, n: count });
    if (count >= expect) finish();
  },
});
const timer = setTimeout(finish, 120_000);
await finished;
clearTimeout(timer);
const out = JSON.stringify({ count, joinMs, samples });
await consumer.disconnect().catch(() => undefined);
process.stdout.write(out + '\n');
process.exit(0);
