// Not part of `make bench`: one detector per Kafka client (KAFKA_CLIENT=kafkajs, then confluent)
// reading the same preloaded call-event topic under fresh groups for a fixed time; prints the
// events each consumed and its steady rate. Used for the README's Kafka-client paragraph.
//   node --import ./bench/ts-hooks.mjs bench/tools/detector-client-compare.ts TOPIC REFERENCE_DIR SECONDS
import { requireStackEnv } from '../../test/support/stack.js';
import { sampleUntil, startDetector } from '../lib/detector.js';
import { steadyRate } from '../lib/stats.js';

const [topic, referenceDir, secondsRaw] = process.argv.slice(2);
if (!topic || !referenceDir || !secondsRaw) throw new Error('usage: detector-client-compare.ts TOPIC REFERENCE_DIR SECONDS');
const env = requireStackEnv();
const run = Date.now().toString(36);
const out: Record<string, unknown> = {};
for (const client of ['kafkajs', 'confluent'] as const) {
  const topics = { calls: topic, sms: `cmp-${run}-sms`, alerts: `cmp-${run}-${client}-alerts`, victims: `cmp-${run}-${client}-victims` };
  const t0 = Date.now();
  const detector = await startDetector(env, { name: `detector-${client}`, groupId: `cmp-${run}-${client}`, topics, referenceDir, extraEnv: { KAFKA_CLIENT: client } });
  try {
    const { samples } = await sampleUntil([detector], 1e12, { t0, timeoutMs: Number(secondsRaw) * 1000 });
    // The last scrape may meet the detector stopping: take the highest count seen.
    const seen = samples.filter((s) => s.n > 0);
    const first = seen[0];
    const last = seen.reduce<typeof first>((a, s) => (a === undefined || s.n > a.n ? s : a), undefined);
    out[client] = {
      consumed: last?.n, firstMs: first?.t,
      rate: first && last && last.t > first.t ? Math.round((last.n - first.n) / ((last.t - first.t) / 1000)) : undefined,
      steady: steadyRate(seen, last?.n ?? 0),
    };
  } finally {
    await detector.service.stop();
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
process.exit(0);
