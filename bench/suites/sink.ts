import type { Alert } from '@telfraud/core';
import { TestDatabase } from '../../test/support/clickhouse-db.js';
import { freePort, httpStatus } from '../../test/support/net.js';
import { ServiceProcess } from '../../test/support/service-process.js';
import { waitFor } from '../../test/support/wait-for.js';
import { benchCodecs } from '../lib/codecs.js';
import { fmtInt, fmtMs, fmtRate, fmtRatio } from '../lib/format.js';
import { benchKafka, createTopics, produceAll, topicSize, type OutRecord } from '../lib/kafka.js';
import { progress, sleep } from '../lib/progress.js';
import { scrape } from '../lib/prom-text.js';
import { steadyRate, type Sample } from '../lib/stats.js';
import { ALERT_COLUMNS, toAlertRow } from '../../services/alert-sink/src/rows.js';
import type { BenchContext } from './context.js';

const ALERTS = 200_000;
const SINK_TARGET_SHARE = 0.8;
const PARTITIONS = 32;
/** About what a real broker returns to the sink's 1 MiB per-partition fetch (alerts are ~370 bytes on the wire). */
const ALERTS_PER_FETCH = 2_000;
const RULES = ['spoofing-campaign-trunk', 'spoofing-campaign-cli', 'cli-rotation-trunk', 'home-cli-from-abroad-number', 'dno-spoofed-cli-number'];

function* syntheticAlerts(prefix: string, count: number): Generator<Alert> {
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < count; i++) {
    const rule = RULES[i % RULES.length]!;
    const entity = `+4420${70_000_000 + (i % 5_000_000)}`;
    const ts = t0 + i * 10;
    yield {
      alert_id: `${prefix}-${i.toString(16).padStart(8, '0')}`, rule_id: rule, severity: 'HIGH',
      entity_type: 'calling_number', entity, window_start: ts - 120_000, window_end: ts, ts, value: 42, threshold: 20,
      summary: `${rule}: calling_number ${entity} attempts=42 (>= 20), callee_fanout=0.95 (>= 0.8), answer_rate=0.05 (<= 0.35) — bench alert`,
      evidence: Array.from({ length: 5 }, (_, k) => `bench-call-${i}-${k}`),
    };
  }
}

function* alertRecords(run: string, codec: { encode(a: Alert): Buffer }): Generator<OutRecord> {
  for (const alert of syntheticAlerts(`bench-${run}`, ALERTS)) yield { key: alert.alert_id, value: codec.encode(alert) };
}

/**
 * Alerts like the sink's (same rules, sizes, columns: the sink's own row mapping) straight into
 * ClickHouse, 10k rows per INSERT, one at a time: what the database takes without the sink.
 */
async function directInsertRate(db: TestDatabase, run: string): Promise<number> {
  const insertedAt = Date.now();
  const rows = [...syntheticAlerts(`bench-${run}-direct`, 100_000)].map((a) => toAlertRow(a, insertedAt));
  const started = performance.now();
  for (let i = 0; i < rows.length; i += 10_000) {
    await db.client.insert({ table: `${db.name}.alerts`, columns: [...ALERT_COLUMNS], values: rows.slice(i, i + 10_000), format: 'JSONEachRow' });
  }
  return rows.length / ((performance.now() - started) / 1000);
}

/** A backlog of Avro alerts on a fresh topic, stored by one alert-sink into a fresh ClickHouse database. */
export async function sinkBench(ctx: BenchContext): Promise<void> {
  const { env, run, results } = ctx;
  const topics = { alerts: `bench-${run}-sink-alerts`, victims: `bench-${run}-sink-victims` };
  await createTopics(env, [[topics.alerts, PARTITIONS], [`${topics.alerts}-dlq`, 1], [topics.victims, 1]]);
  const kafka = benchKafka(env, 'bench-sink');
  const codecs = await benchCodecs(env);
  progress(`sink: preloading ${fmtInt(ALERTS)} alerts onto ${topics.alerts}`);
  await produceAll(kafka, topics.alerts, PARTITIONS, alertRecords(run, codecs.alerts), { perPartitionBatch: ALERTS_PER_FETCH });
  const { retained } = await topicSize(kafka, topics.alerts);
  const db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `bench_${run}_sink`);
  let sink: ServiceProcess | undefined;
  try {
    const port = await freePort();
    const t0 = Date.now();
    sink = ServiceProcess.start('alert-sink', 'services/alert-sink/dist/main.js', {
      ...env, ALERT_SINK_HTTP_PORT: String(port), SINK_GROUP_ID: `bench-${run}-sink`, SINK_ALERT_TOPIC: topics.alerts, SINK_VICTIM_TOPIC: topics.victims,
      CLICKHOUSE_DATABASE: db.name, LOG_LEVEL: 'warn',
      // Measures the alert path alone; the activity writer would read the shared call-events topic.
      ALERT_SINK_ACTIVITY_ENABLED: 'false',
    });
    const proc = sink;
    await waitFor('alert-sink ready', async () => ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${proc.log.slice(-3000)}`); });
    progress('sink: alert-sink storing the backlog');
    const samples: Sample[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      const m = await scrape(`http://127.0.0.1:${port}/metrics`, ['alert_sink_rows_inserted_total']);
      const n = m['alert_sink_rows_inserted_total'] ?? 0;
      samples.push({ t: Date.now() - t0, n });
      if (n >= retained || Date.now() > deadline) break;
      await sleep(100);
    }
    const h = await scrape(`http://127.0.0.1:${port}/metrics`, [
      'alert_sink_insert_batch_rows_sum', 'alert_sink_insert_batch_rows_count', 'alert_sink_insert_duration_seconds_sum', 'alert_sink_insert_duration_seconds_count',
    ]);
    const inserts = h['alert_sink_insert_batch_rows_count'] ?? Number.NaN;
    const rowsPerInsert = (h['alert_sink_insert_batch_rows_sum'] ?? Number.NaN) / inserts;
    const insertMs = (1000 * (h['alert_sink_insert_duration_seconds_sum'] ?? Number.NaN)) / (h['alert_sink_insert_duration_seconds_count'] ?? Number.NaN);
    const stored = Number((await db.rows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.alerts`))[0]?.n ?? 0);
    const firstInsert = samples.find((s) => s.n > 0)?.t;
    const doneAt = samples.at(-1)!.t;
    const rate = steadyRate(samples, retained);
    const fromFirst = firstInsert !== undefined && doneAt > firstInsert
      ? (samples.at(-1)!.n - (samples.find((s) => s.n > 0)?.n ?? 0)) / ((doneAt - firstInsert) / 1000)
      : undefined;
    results.add({
      area: 'Sink', measure: `alert-sink, Avro alerts from ${PARTITIONS} partitions into ClickHouse (default insert batches: up to 20,000 rows, 16 MiB or 20 ms, 2 INSERTs at once)`,
      result: `${fmtRate(rate)} rows (10-90 %); ${fmtRate(fromFirst)} from the first insert; ${fmtInt(stored)} of ${fmtInt(retained)} stored by ${fmtMs(doneAt)}`,
    });
    results.add({
      area: 'Sink', measure: 'INSERTs: count; rows per INSERT; mean INSERT duration',
      result: `${fmtInt(inserts)}; ${fmtInt(rowsPerInsert)}; ${fmtMs(insertMs)}`,
    });
    progress('sink: ClickHouse alone, the same rows as JSONEachRow in 10,000-row INSERTs');
    const direct = await directInsertRate(db, run);
    results.add({ area: 'Sink', measure: 'yardstick: the same alert rows inserted straight into ClickHouse (@clickhouse/client, JSONEachRow, 10,000-row INSERTs, one at a time)', result: `${fmtRate(direct)} rows` });
    const share = rate !== undefined && direct > 0 ? rate / direct : undefined;
    results.check({
      area: 'Sink', measure: 'alert-sink rows/s vs the same rows inserted directly',
      result: fmtRatio(share), target: `≥ ${SINK_TARGET_SHARE.toFixed(1)}x`,
    }, share !== undefined && share >= SINK_TARGET_SHARE, 'sink');
    results.raw['sink'] = { direct, inserts, rowsPerInsert, insertMs, retained, stored, rate, fromFirst, firstInsert, doneAt, samples: samples.length };
  } finally {
    await sink?.stop();
    await db.drop();
  }
}
