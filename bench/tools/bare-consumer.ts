// A bare kafkajs consumer: joins a fresh group, reads TOPIC from the earliest offset and counts
// messages (no decoding), until EXPECT have arrived. Prints {count, joinMs, samples} on stdout with
// times relative to the process's start.
//   node --import ./bench/ts-hooks.mjs bench/tools/bare-consumer.ts BROKERS TOPIC GROUP EXPECT MAX_BYTES_PER_PARTITION
import { Kafka, logLevel } from 'kafkajs';
import type { Sample } from '../lib/stats.js';

const [brokers, topic, groupId, expectRaw, maxBytesRaw] = process.argv.slice(2);
if (!brokers || !topic || !groupId || !expectRaw || !maxBytesRaw) throw new Error('usage: bare-consumer.ts BROKERS TOPIC GROUP EXPECT MAX_BYTES');
const expect = Number(expectRaw);
const t0 = Date.now();
const kafka = new Kafka({ clientId: 'bench-bare', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, maxBytesPerPartition: Number(maxBytesRaw), maxWaitTimeInMs: 100 });
const samples: Sample[] = [];
let count = 0;
let joinMs: number | undefined;
let finish: () => void = () => {};
const finished = new Promise<void>((resolve) => (finish = resolve));
consumer.on(consumer.events.GROUP_JOIN, () => (joinMs ??= Date.now() - t0));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch }) => {
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
