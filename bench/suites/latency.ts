import path from 'node:path';
import type { Alert, CallEvent } from '@telfraud/core';
import { PipelineHarness } from '../../test/support/pipeline-harness.js';
import { benchCodecs } from '../lib/codecs.js';
import { runCommand } from '../lib/child.js';
import { fmtInt, fmtMs, fmtRate } from '../lib/format.js';
import { benchKafka, connectProducer } from '../lib/kafka.js';
import { progress, sleep } from '../lib/progress.js';
import { scrape } from '../lib/prom-text.js';
import { summarise, type LatencySummary } from '../lib/stats.js';
import { readCallEvents } from '../lib/traffic.js';
import type { BenchContext } from './context.js';
import type { ThroughputOutcome } from './throughput.js';

const LOAD_SECONDS = 30;
const WARMUP_MS = 5_000;
const TICK_MS = 10;
const TARGET_P99_MS = 250;
/** Spoofed numbers started per second by the injected campaign; each calls twice, 1 s apart. */
const SPOOFS_PER_SECOND = 20;
const FALLBACK_RATE = 10_000;

interface AlertSeen {
  ts: number;
  recordTs: number;
  seenAt: number;
  rule: string;
}

/**
 * A campaign of London landline numbers arriving from abroad, each number calling twice a second
 * apart: the default pack's home-cli-from-abroad rules alert on each number's second call, so alerts
 * arrive at a steady rate whose triggering event is known (alert.ts is that event's ts).
 */
function spoofCall(run: string, n: number, attempt: number, ts: number): CallEvent {
  const callId = `bench-${run}-spoof-${n}-${attempt}`;
  return {
    event_id: `${callId}-S`, call_id: callId, type: 'START', ts,
    calling_number: `+4420${70_000_000 + n}`, called_number: `+4477${20_000_000 + ((n * 31 + attempt) % 9_000_000)}`,
    ingress_trunk: 'bench-intl-transit-01', ingress_country: 'NG', attestation: 'NONE', duration_ms: null, sip_code: null,
  };
}

function latencyRow(s: LatencySummary): string {
  return `p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}, max ${fmtMs(s.max)} (${fmtInt(s.count)} alerts)`;
}

/**
 * Live traffic at half the detector's measured maximum, with a campaign mixed in, through a detector
 * and an alert-sink of their own: event production → alert record on the alert topic → ClickHouse row.
 * Every produced event's ts is its production time, so an alert's ts is its triggering event's.
 */
export async function latencyBench(ctx: BenchContext): Promise<void> {
  const { env, run, results } = ctx;
  const measured = (results.raw['throughput'] as ThroughputOutcome | undefined)?.detectorRate;
  const rate = Math.round((measured ?? FALLBACK_RATE * 2) / 2);
  if (measured === undefined) results.note(`Latency ran at ${fmtInt(rate)} events/s: no measured maximum (the throughput run did not finish).`);
  const trafficDir = path.join(ctx.workDir, 'latency-traffic');
  progress(`latency: generating ${LOAD_SECONDS + 5} s of traffic at ${fmtInt(rate)} call events/s (all scenarios, no late or duplicate deliveries)`);
  const gen = await runCommand(process.execPath, [
    'services/generator/dist/cli.js', '--out', trafficDir, '--rate', String(rate), '--minutes', String((LOAD_SECONDS + 5) / 60),
    '--late-share', '0', '--duplicate-share', '0', '--seed', '11', '--quiet',
  ], { timeoutMs: 120_000 });
  if (gen.code !== 0) throw new Error(`generator failed: ${gen.stderr.slice(-2000)}`);

  const harness = await PipelineHarness.start(`bench-${run}-lat`, env);
  const kafka = benchKafka(env, 'bench-latency');
  const codecs = await benchCodecs(env);
  const alerts = new Map<string, AlertSeen>();
  const inClickHouse = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `bench-${run}-lat-alerts`, maxWaitTimeInMs: 20 });
  const producer = await connectProducer(kafka);
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
    const started = Date.now();
    poller = (async () => {
      while (polling) {
        const rows = await harness.db.rows<{ alert_id: string }>(`SELECT alert_id FROM ${harness.db.name}.alerts WHERE ts >= ${started}`).catch(() => []);
        const now = Date.now();
        for (const r of rows) if (!inClickHouse.has(r.alert_id)) inClickHouse.set(r.alert_id, now);
        await sleep(100);
      }
    })();

    progress(`latency: producing for ${LOAD_SECONDS} s at ${fmtInt(rate)} events/s plus ${SPOOFS_PER_SECOND} spoofed numbers/s`);
    const source = readCallEvents(path.join(trafficDir, 'calls.jsonl'))[Symbol.asyncIterator]();
    const inFlight = new Set<Promise<unknown>>();
    let sent = 0;
    let spoofs = 0;
    let exhausted = false;
    let sendFailure: unknown;
    while (Date.now() - started < LOAD_SECONDS * 1000 && !exhausted) {
      const now = Date.now();
      const due = Math.floor((rate * (now - started)) / 1000) - sent;
      const messages: { key: string; value: Buffer; timestamp: string }[] = [];
      for (let i = 0; i < due; i++) {
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const e = { ...next.value, ts: now };
        messages.push({ key: e.call_id, value: codecs.calls.encode(e), timestamp: String(now) });
      }
      sent += messages.length;
      const spoofsDue = Math.floor((SPOOFS_PER_SECOND * (now - started)) / 1000) - spoofs;
      for (let i = 0; i < spoofsDue; i++, spoofs++) {
        messages.push({ key: `spoof-${spoofs}-0`, value: codecs.calls.encode(spoofCall(run, spoofs, 0, now)), timestamp: String(now) });
        if (spoofs >= SPOOFS_PER_SECOND) {
          const n = spoofs - SPOOFS_PER_SECOND;
          messages.push({ key: `spoof-${n}-1`, value: codecs.calls.encode(spoofCall(run, n, 1, now)), timestamp: String(now) });
        }
      }
      if (messages.length > 0) {
        const p = producer.send({ topic: harness.topics.calls, acks: -1, messages }).catch((err: unknown) => { sendFailure ??= err; });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      while (inFlight.size >= 16) await Promise.race(inFlight);
      if (sendFailure) throw sendFailure;
      await sleep(Math.max(0, TICK_MS - (Date.now() - now)));
    }
    await Promise.all(inFlight);
    const producedMs = Date.now() - started;
    progress(`latency: ${fmtInt(sent)} events produced in ${fmtMs(producedMs)} (${fmtRate(sent / (producedMs / 1000))}); waiting for the last alerts`);
    let last = alerts.size;
    for (let quiet = 0, waited = 0; quiet < 3_000 && waited < 15_000; waited += 500) {
      await sleep(500);
      quiet = alerts.size === last ? quiet + 500 : 0;
      last = alerts.size;
    }
    for (let waited = 0; waited < 10_000 && [...alerts.keys()].some((id) => !inClickHouse.has(id)); waited += 200) await sleep(200);
    polling = false;
    await poller;
    const metrics = await scrape(`http://127.0.0.1:${harness.ports.detector}/metrics`, ['fraud_events_consumed_total']);

    const counted = [...alerts.entries()].filter(([, a]) => a.ts >= started + WARMUP_MS);
    const toRecord = summarise(counted.map(([, a]) => a.recordTs - a.ts));
    const toConsumer = summarise(counted.map(([, a]) => a.seenAt - a.ts));
    const chValues = counted.filter(([id]) => inClickHouse.has(id)).map(([id, a]) => inClickHouse.get(id)! - a.ts);
    const toClickHouse = summarise(chValues);
    const load = `${fmtRate(sent / (producedMs / 1000))} call events (half of ${fmtRate(measured)}) + campaign`;
    results.check({
      area: 'Latency', measure: `event produced → alert record on the alert topic (broker timestamps), at ${load}`,
      result: latencyRow(toRecord), target: `p99 < ${TARGET_P99_MS} ms`,
    }, toRecord.count > 0 && toRecord.p99 < TARGET_P99_MS, 'latency');
    results.add({ area: 'Latency', measure: 'event produced → alert read by a kafkajs consumer (20 ms max wait)', result: latencyRow(toConsumer) });
    results.add({
      area: 'Latency', measure: 'event produced → alert row visible in ClickHouse via alert-sink (polled every 100 ms; sink flushes every 200 ms)',
      result: `${latencyRow(toClickHouse)}${chValues.length < counted.length ? `; ${counted.length - chValues.length} never seen` : ''}`,
    });
    const consumed = metrics['fraud_events_consumed_total'];
    results.raw['latency'] = {
      rate, sent, spoofs, producedMs, alerts: alerts.size, counted: counted.length, toRecord, toConsumer, toClickHouse,
      detectorConsumed: consumed, byRule: counted.reduce<Record<string, number>>((acc, [, a]) => ((acc[a.rule] = (acc[a.rule] ?? 0) + 1), acc), {}),
    };
    results.note(
      `Latency: ${LOAD_SECONDS} s of the generator's traffic (all scenarios, made with --rate ${fmtInt(rate)}) produced live with ts = production time, ` +
      `plus an injected campaign of ${SPOOFS_PER_SECOND} London numbers/s arriving from abroad, each calling twice; only new alerts count (an alert's first record carries its triggering event's ts), after a ${WARMUP_MS / 1000} s warm-up. ` +
      'Producer, broker, detector, alert-sink, ClickHouse and the measuring consumer share the 2 cores.',
    );
  } finally {
    polling = false;
    await poller.catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await harness.stop();
  }
}
