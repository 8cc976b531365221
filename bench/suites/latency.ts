import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Alert } from '@telfraud/core';
import { PipelineHarness } from '../../test/support/pipeline-harness.js';
import { benchCodecs } from '../lib/codecs.js';
import { runCommand, runTool } from '../lib/child.js';
import { busyShare, machineTicks } from '../lib/cpu.js';
import { fmtInt, fmtMs, fmtRate } from '../lib/format.js';
import { benchKafka, brokersOf } from '../lib/kafka.js';
import { progress, sleep } from '../lib/progress.js';
import { scrape } from '../lib/prom-text.js';
import { summarise, type LatencySummary } from '../lib/stats.js';
import type { BenchContext } from './context.js';
import type { ThroughputOutcome } from './throughput.js';

const LOAD_SECONDS = 30;
const WARMUP_MS = 5_000;
const TARGET_P99_MS = 250;
const SPOOFS_PER_SECOND = 20;
const FALLBACK_RATE = 10_000;

interface AlertSeen {
  ts: number;
  recordTs: number;
  seenAt: number;
  rule: string;
}

function latencyRow(s: LatencySummary): string {
  return `p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)} (${fmtInt(s.count)} alerts)`;
}

const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(100 * x)} %` : '-');

interface LevelOutcome {
  rate: number;
  /** Time the load producer waited for broker acknowledgements with 16 sends in flight. */
  blockedMs: number;
  sent: number;
  producedMs: number;
  toRecord: LatencySummary;
  toConsumer: LatencySummary;
  toClickHouse: LatencySummary;
  chMissing: number;
  cpu: { machine: number; detector: number; producer: number };
  byRule: Record<string, number>;
}

/**
 * Live traffic at half the detector's measured maximum (the target) and at a quarter (to tell load
 * from structure), with a campaign mixed in (bench/tools/live-producer.ts, its own process), through
 * a detector and an alert-sink of their own (PipelineHarness): event production → alert record on
 * the alert topic → ClickHouse row. Every event's ts is its production time, so a new alert's ts is
 * its triggering event's.
 */
export async function latencyBench(ctx: BenchContext): Promise<void> {
  const { results } = ctx;
  const given = ctx.latencyMaxRate;
  const measured = given ?? (results.raw['throughput'] as ThroughputOutcome | undefined)?.detectorRate;
  const max = measured ?? FALLBACK_RATE * 2;
  if (given !== undefined) results.note(`Latency ran at fractions of ${fmtInt(given)} events/s, given with --latency-rate (not the measured maximum).`);
  else if (measured === undefined) results.note(`Latency ran at fractions of ${fmtInt(max)} events/s: no measured maximum (the throughput run did not finish).`);
  const levels: [share: number, outcome: LevelOutcome][] = [];
  for (const share of [0.5, 0.25]) levels.push([share, await latencyLevel(ctx, Math.round(max * share), `l${share * 100}`)]);
  for (const [share, o] of levels) {
    const achieved = o.sent / (o.producedMs / 1000);
    const short = achieved < 0.9 * o.rate
      ? `; the load producer reached only ${fmtRate(achieved)} of the ${fmtRate(o.rate)} asked, ${o.blockedMs > 0.2 * o.producedMs ? `waiting ${fmtMs(o.blockedMs)} of ${fmtMs(o.producedMs)} on broker acks` : 'short of CPU'}`
      : '';
    const load = `${fmtRate(achieved)} call events (asked: ${share === 0.5 ? 'half' : 'a quarter'} of ${fmtRate(measured)}${short}) + campaign`;
    const row = { area: 'Latency', measure: `event produced → alert record on the alert topic (broker timestamps), at ${load}`, result: latencyRow(o.toRecord) };
    if (share === 0.5) results.check({ ...row, target: `p99 < ${TARGET_P99_MS} ms` }, o.toRecord.count > 0 && o.toRecord.p99 < TARGET_P99_MS, 'latency');
    else results.add(row);
    results.add({ area: 'Latency', measure: '… → alert read by a kafkajs consumer (20 ms max wait)', result: latencyRow(o.toConsumer) });
    results.add({
      area: 'Latency', measure: '… → alert row visible in ClickHouse via alert-sink (polled every 100 ms)',
      result: `${latencyRow(o.toClickHouse)}${o.chMissing > 0 ? `; ${o.chMissing} never seen` : ''}`,
    });
    results.add({
      area: 'Latency', measure: `… CPU during the load: whole machine (${availableParallelism()} cores); detector; load producer (one core = 100 %)`,
      result: `${pct(o.cpu.machine)}; ${pct(o.cpu.detector)}; ${pct(o.cpu.producer)}`,
    });
  }
  results.raw['latency'] = levels[0]?.[1];
  results.raw['latencyQuarter'] = levels[1]?.[1];
  results.note(
    `Latency: ${LOAD_SECONDS} s of the generator's traffic (all scenarios, made with --rate at the level's rate, no late or duplicate deliveries) produced live by bench/tools/live-producer.ts (its own process) with ts = production time, ` +
    `plus an injected campaign of ${SPOOFS_PER_SECOND} London numbers/s arriving from abroad, each calling twice; only new alerts count (an alert's first record carries its triggering event's ts), after a ${WARMUP_MS / 1000} s warm-up. ` +
    'Each level gets a fresh detector and alert-sink from PipelineHarness (6-partition call topic, fresh database).',
  );
}

async function latencyLevel(ctx: BenchContext, rate: number, tag: string): Promise<LevelOutcome> {
  const { env, run } = ctx;
  const trafficDir = path.join(ctx.workDir, `latency-traffic-${tag}`);
  progress(`latency: generating ${LOAD_SECONDS + 5} s of traffic at ${fmtInt(rate)} call events/s (all scenarios, no late or duplicate deliveries)`);
  const gen = await runCommand(process.execPath, [
    'services/generator/dist/cli.js', '--out', trafficDir, '--rate', String(rate), '--minutes', String((LOAD_SECONDS + 5) / 60),
    '--late-share', '0', '--duplicate-share', '0', '--seed', '11', '--quiet',
  ], { timeoutMs: 120_000 });
  if (gen.code !== 0) throw new Error(`generator failed: ${gen.stderr.slice(-2000)}`);

  const harness = await PipelineHarness.start(`bench-${run}-${tag}`, env);
  const kafka = benchKafka(env, 'bench-latency');
  const codecs = await benchCodecs(env);
  const alerts = new Map<string, AlertSeen>();
  const inClickHouse = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-${run}-${tag}-alerts`, maxWaitTimeInMs: 20 });
  let polling = true;
  let poller: Promise<void> = Promise.resolve();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: harness.topics.alerts, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const seenAt = Date.now();
        await codecs.alerts.prepare(batch.messages.map((m) => m.value));
        for (const m of batch.messages) {
          const a: Alert = codecs.alerts.decode(m.value);
          if (!alerts.has(a.alert_id)) alerts.set(a.alert_id, { ts: a.ts, recordTs: Number(m.timestamp), seenAt, rule: a.rule_id });
        }
      },
    });
    await joined;
    const startAt = Date.now() + 3_000;
    poller = (async () => {
      while (polling) {
        const rows = await harness.db.rows<{ alert_id: string }>(`SELECT alert_id FROM ${harness.db.name}.alerts WHERE ts >= ${startAt}`).catch(() => []);
        const now = Date.now();
        for (const r of rows) if (!inClickHouse.has(r.alert_id)) inClickHouse.set(r.alert_id, now);
        await sleep(100);
      }
    })();

    progress(`latency: producing for ${LOAD_SECONDS} s at ${fmtInt(rate)} events/s plus ${SPOOFS_PER_SECOND} spoofed numbers/s`);
    const detectorMetrics = `http://127.0.0.1:${harness.ports.detector}/metrics`;
    const producing = runTool<{ sent: number; spoofs: number; producedMs: number; cpuMs: number; blockedMs: number; cappedTicks: number }>('live-producer.ts', [JSON.stringify({
      brokers: brokersOf(env).join(','), registryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081', topic: harness.topics.calls,
      file: path.join(trafficDir, 'calls.jsonl'), rate, seconds: LOAD_SECONDS, startAt, run, spoofsPerSecond: SPOOFS_PER_SECOND,
    })], { timeoutMs: (LOAD_SECONDS + 60) * 1000 });
    await sleep(Math.max(0, startAt - Date.now()));
    const cpu0 = { machine: machineTicks(), detector: (await scrape(detectorMetrics, ['process_cpu_seconds_total']))['process_cpu_seconds_total'] ?? Number.NaN };
    const live = await producing;
    const cpu1 = { machine: machineTicks(), detector: (await scrape(detectorMetrics, ['process_cpu_seconds_total']))['process_cpu_seconds_total'] ?? Number.NaN };
    const seconds = live.producedMs / 1000;
    const cpu = { machine: busyShare(cpu0.machine, cpu1.machine), detector: (cpu1.detector - cpu0.detector) / seconds, producer: live.cpuMs / 1000 / seconds };
    progress(`latency: ${fmtInt(live.sent)} events produced in ${fmtMs(live.producedMs)} (${fmtMs(live.blockedMs)} waiting on broker acks, ${live.cappedTicks} ticks behind); waiting for the last alerts`);
    let last = alerts.size;
    for (let quiet = 0, waited = 0; quiet < 3_000 && waited < 15_000; waited += 500) {
      await sleep(500);
      quiet = alerts.size === last ? quiet + 500 : 0;
      last = alerts.size;
    }
    for (let waited = 0; waited < 10_000 && [...alerts.keys()].some((id) => !inClickHouse.has(id)); waited += 200) await sleep(200);
    polling = false;
    await poller;

    const counted = [...alerts.entries()].filter(([, a]) => a.ts >= startAt + WARMUP_MS);
    const toRecord = summarise(counted.map(([, a]) => a.recordTs - a.ts));
    const toConsumer = summarise(counted.map(([, a]) => a.seenAt - a.ts));
    const chValues = counted.filter(([id]) => inClickHouse.has(id)).map(([id, a]) => inClickHouse.get(id)! - a.ts);
    const toClickHouse = summarise(chValues);
    return {
      rate, sent: live.sent, producedMs: live.producedMs, blockedMs: live.blockedMs,
      toRecord, toConsumer, toClickHouse, chMissing: counted.length - chValues.length, cpu,
      byRule: counted.reduce<Record<string, number>>((acc, [, a]) => ((acc[a.rule] = (acc[a.rule] ?? 0) + 1), acc), {}),
    };
  } finally {
    polling = false;
    await poller.catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await harness.stop();
  }
}
