import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { benchCodecs, type BenchCodecs } from '../lib/codecs.js';
import { runTool } from '../lib/child.js';
import { sampleUntil, startDetector, type DetectorTopics, type RunningDetector } from '../lib/detector.js';
import { fmtBytes, fmtInt, fmtMs, fmtRate, fmtRatio } from '../lib/format.js';
import { benchKafka, brokersOf, createTopics, produceAll, topicSize } from '../lib/kafka.js';
import { progress, sleep } from '../lib/progress.js';
import { scrape } from '../lib/prom-text.js';
import { steadyRate, type Sample } from '../lib/stats.js';
import { asCallRecords, readCallEvents } from '../lib/traffic.js';
import { readTopic } from '../../test/support/topic-reader.js';
import type { BenchContext } from './context.js';

/** 32 partitions hold about 1M call events on the mock broker (5 MB each); 600k leaves room. */
export const THROUGHPUT_EVENTS = 600_000;
const PARTITIONS = 32;
/**
 * Record batches of the size a real broker would return to the detector's default fetch
 * (DETECTOR_MAX_BYTES_PER_PARTITION 64 KiB ÷ about 170 bytes per call event on the wire): the mock
 * broker answers every fetch with one producer batch per partition, so this sets the consumers' batches.
 */
export const RECORDS_PER_FETCH = 384;
const TARGET_SHARE = 0.5;

/**
 * Alerts as a run's outcome, not as a count at a cut-off: waits until the detector's alert counter
 * has not moved for `quietMs` (its partitions declared idle, records held as early released; the
 * consumed counter reaches the topic's size when the last batch starts, not when its alerts are
 * out), then reads the alert topic and counts distinct alert ids. `fraud_alerts_emitted_total`
 * counts records (new, updated, escalated): how often an alert is updated depends on the order
 * partitions were read in, so it is no measure of what was detected.
 */
export async function settledAlerts(
  detector: RunningDetector,
  alertTopic: string,
  env: Record<string, string>,
  codecs: BenchCodecs,
  quietMs = 5_000,
  timeoutMs = 60_000,
): Promise<{ records: number; ids: number; emitted: number | undefined }> {
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  let stableSince = Date.now();
  for (;;) {
    const emitted = (await scrape(detector.metricsUrl, ['fraud_alerts_emitted_total']))['fraud_alerts_emitted_total'];
    if (emitted !== last) {
      last = emitted;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs || Date.now() > deadline) break;
    await sleep(500);
  }
  const records = await readTopic(env, alertTopic, 60_000);
  await codecs.alerts.prepare(records.map((r) => r.value));
  const ids = new Set<string>();
  for (const r of records) ids.add(codecs.alerts.decode(r.value).alert_id);
  return { records: records.length, ids: ids.size, emitted: last };
}

export interface ThroughputOutcome {
  topics: DetectorTopics;
  events: number;
  detectorRate: number | undefined;
  bareRate: number | undefined;
}

interface BareResult {
  count: number;
  joinMs: number | undefined;
  samples: Sample[];
}

/** kcat (librdkafka) reading the topic from the beginning to its end: message count over time. */
function kcatRead(brokers: string, topic: string, timeoutMs: number): Promise<{ count: number; samples: Sample[]; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn('kcat', ['-C', '-b', brokers, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const samples: Sample[] = [];
    let count = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
      samples.push({ t: Date.now() - t0, n: count });
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => reject(new Error(`kcat: ${err.message} (apt-get install kcat)`)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`kcat exited ${code}: ${stderr.slice(-1000)}`));
      else resolve({ count, samples, ms: Date.now() - t0 });
    });
  });
}

/** Where `@confluentinc/kafka-javascript` resolves from the repository (not a dependency: installed by hand, or on NODE_PATH). */
function confluentModule(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@confluentinc/kafka-javascript');
  } catch {
    return undefined;
  }
}

/**
 * The second Kafka client, when installed: its bare read of the same topic, and one detector with
 * KAFKA_CLIENT=confluent catching up on it under a fresh group.
 */
async function confluentRun(ctx: BenchContext, topics: DetectorTopics, events: number): Promise<{
  bareRate: number | undefined; detectorRate: number | undefined; bareTotal: number | undefined;
} | undefined> {
  const { env, run, results } = ctx;
  const module = confluentModule();
  if (!module) {
    results.note('@confluentinc/kafka-javascript is not installed: the second Kafka client was not measured (see the README\'s Kafka-client paragraph).');
    return undefined;
  }
  progress('throughput: bare @confluentinc/kafka-javascript consumer');
  const bare = await runTool<BareResult>('bare-confluent-consumer.ts', [module, brokersOf(env).join(','), topics.calls, `bench-${run}-bare-cf`, events, 1_048_576], { timeoutMs: 180_000 });
  progress('throughput: one detector with KAFKA_CLIENT=confluent');
  const t0 = Date.now();
  const detector = await startDetector(env, {
    name: 'detector-confluent', groupId: `bench-${run}-det-cf`, topics, referenceDir: path.join(ctx.genDir, 'reference'), extraEnv: { KAFKA_CLIENT: 'confluent' },
  });
  let samples: Sample[] = [];
  try {
    const sampled = await sampleUntil([detector], events, { t0, timeoutMs: 240_000, onProgress: (n) => progress(`throughput: detector (confluent) consumed ${fmtInt(n)}`) });
    samples = sampled.samples;
    if (!sampled.done) results.note(`The detector with KAFKA_CLIENT=confluent had consumed only ${fmtInt(samples.at(-1)?.n ?? 0)} of ${fmtInt(events)} events when its time ran out.`);
  } finally {
    await detector.service.stop();
  }
  const last = bare.samples.at(-1);
  return { bareRate: steadyRate(bare.samples, events), detectorRate: steadyRate(samples, events), bareTotal: last ? last.n / (last.t / 1000) : undefined };
}

/**
 * One detector catching up on a preloaded backlog of the generator's traffic (Avro, 32 partitions),
 * against a bare kafkajs consumer and kcat reading the very same topic.
 */
export async function throughputBench(ctx: BenchContext): Promise<void> {
  const { env, run, results } = ctx;
  const topics: DetectorTopics = { calls: `bench-${run}-calls`, sms: `bench-${run}-sms`, alerts: `bench-${run}-alerts`, victims: `bench-${run}-victims` };
  await createTopics(env, [[topics.calls, PARTITIONS], [`${topics.calls}-dlq`, 1], [topics.sms, 1], [topics.alerts, 3], [topics.victims, 3]]);
  const kafka = benchKafka(env);
  const codecs = await benchCodecs(env);
  progress(`throughput: preloading ${fmtInt(THROUGHPUT_EVENTS)} call events (Avro) onto ${topics.calls} (${PARTITIONS} partitions)`);
  const produced = await produceAll(kafka, topics.calls, PARTITIONS, asCallRecords(readCallEvents(path.join(ctx.genDir, 'calls.jsonl'), THROUGHPUT_EVENTS), codecs.calls), {
    perPartitionBatch: RECORDS_PER_FETCH,
    onProgress: (n) => progress(`throughput: produced ${fmtInt(n)}`),
  });
  const size = await topicSize(kafka, topics.calls);
  const events = size.retained;
  progress(`throughput: ${fmtInt(produced.sent)} produced in ${fmtMs(produced.ms)}; ${fmtInt(events)} retained by the broker`);
  if (events < produced.sent) results.note(`The mock broker kept ${fmtInt(events)} of ${fmtInt(produced.sent)} preloaded events (about 5 MB per partition); rates use what it kept.`);

  progress('throughput: one detector catching up (default rule pack)');
  const t0 = Date.now();
  const detector = await startDetector(env, { name: 'detector', groupId: `bench-${run}-det`, topics, referenceDir: path.join(ctx.genDir, 'reference') });
  let detectorSamples: Sample[] = [];
  let rss: number | undefined;
  let detectorMetrics: Record<string, number | undefined> = {};
  let alerts: Awaited<ReturnType<typeof settledAlerts>> | undefined;
  try {
    const sampled = await sampleUntil([detector], events, { t0, timeoutMs: 240_000, onProgress: (n) => progress(`throughput: detector consumed ${fmtInt(n)}`) });
    detectorSamples = sampled.samples;
    rss = detector.service.rssBytes();
    detectorMetrics = await scrape(detector.metricsUrl, ['fraud_alerts_emitted_total', 'fraud_events_rejected_total', 'fraud_events_duplicate_total', 'process_resident_memory_bytes']);
    if (!sampled.done) results.note(`The detector had consumed only ${fmtInt(sampled.samples.at(-1)?.n ?? 0)} of ${fmtInt(events)} events when the throughput run's time ran out.`);
    else alerts = await settledAlerts(detector, topics.alerts, env, codecs);
  } finally {
    await detector.service.stop();
  }
  const detectorRate = steadyRate(detectorSamples, events);
  const detectorDoneMs = detectorSamples.at(-1)?.t ?? Number.NaN;
  const detectorFirstMs = detectorSamples.find((s) => s.n > 0)?.t;

  progress('throughput: bare kafkajs consumer');
  const bareDefault = await runTool<BareResult>('bare-consumer.ts', [brokersOf(env).join(','), topics.calls, `bench-${run}-bare`, events, 1_048_576], { timeoutMs: 180_000 });
  progress('throughput: kcat');
  const kcat = await kcatRead(brokersOf(env).join(','), topics.calls, 120_000);

  const bareRate = steadyRate(bareDefault.samples, events);
  const kcatRate = steadyRate(kcat.samples, kcat.count);
  const total = (s: Sample[]): number | undefined => (s.length ? (s.at(-1)!.n / (s.at(-1)!.t / 1000)) : undefined);

  const share = detectorRate !== undefined && bareRate !== undefined ? detectorRate / bareRate : undefined;
  results.check({
    area: 'Throughput', measure: `one detector, default pack, Avro from ${PARTITIONS} partitions to alerts out (steady state, 10-90 % of ${fmtInt(events)})`,
    result: `${fmtRate(detectorRate)} (${fmtRate(total(detectorSamples))} incl. start-up and group join; first batch at ${fmtMs(detectorFirstMs)}, done at ${fmtMs(detectorDoneMs)})`,
    target: `≥ ${TARGET_SHARE * 100} % of bare kafkajs`,
  }, share !== undefined && share >= TARGET_SHARE, 'detector-throughput');
  results.add({ area: 'Throughput', measure: 'bare kafkajs consumer, same topic, counting messages', result: `${fmtRate(bareRate)} (${fmtRate(total(bareDefault.samples))} incl. group join)` });
  results.add({ area: 'Throughput', measure: 'kcat (librdkafka), same topic', result: `${fmtRate(kcatRate)} (${fmtRate(kcat.count / (kcat.ms / 1000))} incl. start-up)` });
  results.add({
    area: 'Throughput', measure: 'ratios: detector / bare kafkajs; detector / kcat; bare kafkajs / kcat',
    result: `${fmtRatio(share)}; ${fmtRatio(detectorRate !== undefined && kcatRate ? detectorRate / kcatRate : undefined)}; ${fmtRatio(bareRate !== undefined && kcatRate ? bareRate / kcatRate : undefined)}`,
    target: `detector / kafkajs ≥ ${TARGET_SHARE.toFixed(2)}x`,
  });
  results.add({
    area: 'Throughput', measure: 'detector after the catch-up: RSS; alerts (distinct ids, once idle); alert records emitted (new, updated, escalated: order-dependent) at the cut-off / once idle; events dead-lettered',
    result: `${fmtBytes(rss ?? detectorMetrics['process_resident_memory_bytes'])}; ${fmtInt(alerts?.ids ?? Number.NaN)}; ${fmtInt(detectorMetrics['fraud_alerts_emitted_total'] ?? Number.NaN)} / ${fmtInt(alerts?.emitted ?? Number.NaN)}; ${fmtInt(detectorMetrics['fraud_events_rejected_total'] ?? 0)}`,
  });
  const confluent = await confluentRun(ctx, topics, events);
  if (confluent) {
    results.add({
      area: 'Throughput', measure: 'second client, same topic: bare @confluentinc/kafka-javascript consumer; one detector with KAFKA_CLIENT=confluent',
      result: `${fmtRate(confluent.bareRate)} (${fmtRate(confluent.bareTotal)} incl. group join); detector ${fmtRate(confluent.detectorRate)}`,
    });
    results.add({
      area: 'Throughput', measure: 'ratios: bare confluent / bare kafkajs; detector (confluent) / detector (kafkajs)',
      result: `${fmtRatio(confluent.bareRate !== undefined && bareRate ? confluent.bareRate / bareRate : undefined)}; ${fmtRatio(confluent.detectorRate !== undefined && detectorRate ? confluent.detectorRate / detectorRate : undefined)}`,
    });
  }
  const outcome: ThroughputOutcome = { topics, events, detectorRate, bareRate };
  results.raw['throughput'] = { ...outcome, confluent, produced, kcatRate, kcatCount: kcat.count, detectorSamples, rss, detectorMetrics, alerts, bareJoinMs: bareDefault.joinMs };
}
