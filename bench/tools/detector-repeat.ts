// The detector run several times over one topic: produces N call events of a generator directory
// once to a 32-partition topic (keyed by call_id, the bench's producer batches), starts one detector
// per run under a fresh consumer group with its own alert topic, waits until it has consumed
// everything and its alert counter has been still for 5 s, reads its alert topic to the end, and
// compares the runs by alert id (and each with the replay's alerts.jsonl when given).
//   make up
//   node --import ./bench/ts-hooks.mjs bench/tools/detector-repeat.ts GEN_DIR N [RUNS] [REPLAY_ALERTS.jsonl]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Alert } from '@telfraud/core';
import { benchCodecs } from '../lib/codecs.js';
import { sampleUntil, startDetector } from '../lib/detector.js';
import { benchKafka, createTopics, produceAll, topicSize } from '../lib/kafka.js';
import { asCallRecords, readCallEvents } from '../lib/traffic.js';
import { settledAlerts } from '../suites/throughput.js';
import { requireStackEnv } from '../../test/support/stack.js';
import { readTopic } from '../../test/support/topic-reader.js';

const [genDir, nArg, runsArg, replayFile] = process.argv.slice(2);
if (!genDir || !nArg) {
  console.error('usage: detector-repeat.ts GEN_DIR N [RUNS] [REPLAY_ALERTS.jsonl]');
  process.exit(2);
}
const runs = Number(runsArg ?? 2);
const env = requireStackEnv();
const name = `repeat-${Date.now().toString(36)}`;
const calls = `${name}-calls`;
const perRun = (i: number): [string, number][] => [[`${name}-alerts-${i}`, 3], [`${name}-victims-${i}`, 3]];
await createTopics(env, [[calls, 32], [`${calls}-dlq`, 1], [`${name}-sms`, 1], ...Array.from({ length: runs }, (_, i) => perRun(i)).flat()]);
const kafka = benchKafka(env);
const codecs = await benchCodecs(env);
await produceAll(kafka, calls, 32, asCallRecords(readCallEvents(path.join(genDir, 'calls.jsonl'), Number(nArg)), codecs.calls), { perPartitionBatch: 384 });
const events = (await topicSize(kafka, calls)).retained;
console.log(`${events} call events on ${calls}`);

const describe = (a: Alert): string => `${a.rule_id} ${a.entity} first fired ${new Date(a.ts).toISOString()} value ${a.value} ${a.severity}`;
function compare(label: string, a: Map<string, Alert>, b: Map<string, Alert>): void {
  const onlyA = [...a.values()].filter((x) => !b.has(x.alert_id));
  const onlyB = [...b.values()].filter((x) => !a.has(x.alert_id));
  let severity = 0;
  for (const [id, x] of a) if (b.has(id) && b.get(id)!.severity !== x.severity) severity++;
  console.log(`${label}: ${onlyA.length} ids only in the first, ${onlyB.length} only in the second, ${severity} with another final severity`);
  for (const x of onlyA) console.log(`  - ${describe(x)}`);
  for (const x of onlyB) console.log(`  + ${describe(x)}`);
}

const found: Map<string, Alert>[] = [];
for (let i = 0; i < runs; i++) {
  const topics = { calls, sms: `${name}-sms`, alerts: `${name}-alerts-${i}`, victims: `${name}-victims-${i}` };
  const detector = await startDetector(env, { name: `detector-${i}`, groupId: `${name}-${i}`, topics, referenceDir: path.join(genDir, 'reference') });
  try {
    const sampled = await sampleUntil([detector], events, { t0: Date.now(), timeoutMs: 300_000 });
    if (!sampled.done) throw new Error(`run ${i}: the detector did not consume every event in time`);
    const settled = await settledAlerts(detector, topics.alerts, env, codecs);
    console.log(`run ${i}: ${settled.ids} alert ids, ${settled.records} alert records`);
  } finally {
    await detector.service.stop();
  }
  const records = await readTopic(env, topics.alerts, 60_000);
  await codecs.alerts.prepare(records.map((r) => r.value));
  const ids = new Map<string, Alert>();
  for (const r of records) {
    const a = codecs.alerts.decode(r.value);
    ids.set(a.alert_id, a);
  }
  found.push(ids);
}
const dead = await topicSize(kafka, `${calls}-dlq`);
console.log(`dead-lettered (all runs): ${dead.produced}`);
for (let i = 1; i < runs; i++) compare(`run 0 vs run ${i}`, found[0]!, found[i]!);
if (replayFile) {
  const replay = new Map<string, Alert>();
  for (const line of readFileSync(replayFile, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const a = JSON.parse(line) as Alert;
    replay.set(a.alert_id, a);
  }
  for (let i = 0; i < runs; i++) compare(`replay (${replay.size} ids) vs run ${i}`, replay, found[i]!);
}
