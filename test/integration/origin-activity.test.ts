/**
 * The alert-sink's SOC data on the real local stack (mock Kafka broker, ClickHouse 18.16, the
 * project's registry), in a fresh database with fresh topics and groups:
 * - origin_activity: call events with known per-minute counts for two origins, in two runs of the
 *   sink with a SIGTERM between them, end up counted exactly once (offsets committed only after
 *   the counts are stored, and a graceful stop flushes and commits).
 * - alert_history: every version of an alert the sink stores survives the merge that leaves
 *   `alerts` with only the last one.
 * Start the stack with `bash infra/scripts/up.sh` and build with `npm run -s build`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert, CallEvent } from '@telfraud/core';
import { brokerControl } from '../support/broker-control.js';
import { TestDatabase } from '../support/clickhouse-db.js';
import { freePort, httpStatus } from '../support/net.js';
import { metricSum } from '../support/service-metrics.js';
import { ServiceProcess } from '../support/service-process.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const RUN = randomBytes(4).toString('hex');
const M0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const MINUTE = 60_000;
const topics = { calls: `it-${RUN}-calls`, alerts: `it-${RUN}-alerts`, victims: `it-${RUN}-victims` };
const groups = { sink: `it-${RUN}-sink`, activity: `it-${RUN}-activity` };

/** Two origins, each a trunk with one caller ID. */
const ORIGINS = { a: { trunk: 'TRUNK-A', caller: '+447700900001' }, b: { trunk: 'TRUNK-B', caller: '+447700900002' } } as const;
type Origin = keyof typeof ORIGINS;

/** Calls per origin and minute: [origin, minute, attempts, answered, run (1 or 2)]. */
const CALLS: [Origin, number, number, number, 1 | 2][] = [
  ['a', 0, 5, 3, 1], ['a', 1, 2, 0, 1], ['b', 0, 1, 0, 1],
  ['a', 3, 1, 1, 2], ['b', 2, 4, 2, 2],
  // Late: calls of minute 0 that arrive in the second run count in minute 0.
  ['a', 0, 2, 1, 2],
];

function events(run: 1 | 2): CallEvent[] {
  const out: CallEvent[] = [];
  for (const [origin, minute, attempts, answered, r] of CALLS) {
    if (r !== run) continue;
    const { trunk, caller } = ORIGINS[origin];
    for (let i = 0; i < attempts; i++) {
      const start = M0 + minute * MINUTE + 10_000 + i * 1_000 + (run - 1) * 500;
      const callId = `${RUN}-${run}-${origin}-${minute}-${i}`;
      const base = { call_id: callId, calling_number: caller, called_number: `+4477009011${String(i).padStart(2, '0')}`, ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C' as const };
      out.push({ ...base, event_id: `${callId}-s`, type: 'START', ts: start, duration_ms: null, sip_code: null });
      if (i < answered) out.push({ ...base, event_id: `${callId}-a`, type: 'ANSWER', ts: start + 2_000, duration_ms: null, sip_code: null });
      // END lands in the next minute for some calls: it counts nothing anywhere.
      out.push({ ...base, event_id: `${callId}-e`, type: 'END', ts: start + 45_000, duration_ms: i < answered ? 43_000 : 0, sip_code: i < answered ? 200 : 486 });
    }
  }
  // Out of order, deterministically.
  return out.map((e, i) => ({ e, k: (i * 7919) % 101 })).sort((x, y) => x.k - y.k).map(({ e }) => e);
}

/** `entity_type entity minute attempts answered` lines the table should hold after `run`. */
function expected(upTo: 1 | 2): string[] {
  const sums = new Map<string, [number, number]>();
  for (const [origin, minute, attempts, answered, r] of CALLS) {
    if (r > upTo) continue;
    for (const [field, value] of [['calling_number', ORIGINS[origin].caller], ['ingress_trunk', ORIGINS[origin].trunk]] as const) {
      const key = `${field} ${value} ${M0 + minute * MINUTE}`;
      const [a, n] = sums.get(key) ?? [0, 0];
      sums.set(key, [a + attempts, n + answered]);
    }
  }
  return [...sums].map(([key, [a, n]]) => `${key} ${a} ${n}`).sort();
}

describe('alert-sink: origin_activity and alert_history on the local stack', () => {
  const kafka = new Kafka({ clientId: `it-activity-${RUN}`, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
  let db: TestDatabase;
  let producer: Producer;
  let admin: Admin;
  let calls: AvroTopicCodec<CallEvent>;
  let alerts: AvroTopicCodec<Alert>;
  let sink: ServiceProcess | undefined;
  let sinkPort = 0;
  const logs: string[] = [];

  async function startSink(): Promise<void> {
    sinkPort = await freePort();
    sink = ServiceProcess.start('alert-sink', 'services/alert-sink/dist/main.js', {
      ...env, CLICKHOUSE_DATABASE: db.name, ALERT_SINK_HTTP_PORT: String(sinkPort), LOG_LEVEL: 'info',
      SINK_GROUP_ID: groups.sink, SINK_ALERT_TOPIC: topics.alerts, SINK_VICTIM_TOPIC: topics.victims, SINK_FLUSH_INTERVAL_MS: '100',
      ALERT_SINK_ACTIVITY_TOPIC: topics.calls, ALERT_SINK_ACTIVITY_GROUP_ID: groups.activity, ALERT_SINK_ACTIVITY_FLUSH_MS: '300',
    });
    const proc = sink;
    await waitFor('the alert-sink to be ready', async () => ((await httpStatus(`http://127.0.0.1:${sinkPort}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${proc.log}`); });
  }

  async function stopSink(): Promise<number | null> {
    const code = await sink?.stop(25_000);
    logs.push(sink?.log ?? '');
    sink = undefined;
    return code ?? null;
  }

  async function activity(): Promise<string[]> {
    const rows = await db.rows<{ entity_type: string; entity: string; minute: string; attempts: string; answered: string }>(
      `SELECT entity_type, entity, minute, sum(attempts) AS attempts, sum(answered) AS answered FROM ${db.name}.origin_activity GROUP BY entity_type, entity, minute`,
    );
    return rows.map((r) => `${r.entity_type} ${r.entity} ${r.minute} ${r.attempts} ${r.answered}`).sort();
  }

  async function sendCalls(values: { key: string; value: Buffer }[]): Promise<void> {
    await producer.send({ topic: topics.calls, acks: -1, messages: values });
  }

  /** Every partition of the calls topic committed by the activity group up to its end. */
  async function activityCommittedToEnd(): Promise<boolean> {
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topics.calls),
      admin.fetchOffsets({ groupId: groups.activity, topics: [topics.calls] }),
    ]);
    return ends.every((e) => Number(committed?.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) === Number(e.high));
  }

  beforeAll(async () => {
    const control = env['KAFKA_CONTROL'];
    if (!control) throw new Error('KAFKA_CONTROL missing from .data/env');
    for (const [topic, partitions] of [[topics.calls, 4], [topics.alerts, 1], [`${topics.alerts}-dlq`, 1], [topics.victims, 1], [`${topics.victims}-dlq`, 1]] as const) {
      await brokerControl(control, `create-topic ${topic} ${partitions}`);
    }
    db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `it_activity_${RUN}`);
    const registry = createRegistryClient({ schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const logger = createLogger({ level: 'warn' });
    calls = await AvroTopicCodec.create<CallEvent>(registry, loadTopicSchema('call-events'), { logger });
    alerts = await AvroTopicCodec.create<Alert>(registry, loadTopicSchema('fraud-alerts'), { logger });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (sink) await stopSink();
    if (process.env['IT_SHOW_LOGS']) console.log(logs.join('\n----\n'));
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await db?.drop().catch(() => undefined);
  });

  it('counts attempts and answers per origin and minute exactly once, across a graceful restart', async () => {
    await sendCalls(events(1).map((e) => ({ key: e.call_id, value: calls.encode(e) })));
    await startSink();
    await waitFor('the first run\'s counts in origin_activity', async () => {
      const rows = await activity();
      return JSON.stringify(rows) === JSON.stringify(expected(1)) ? rows : undefined;
    }, 60_000).catch(async (err: Error) => { throw new Error(`${err.message}\ngot ${JSON.stringify(await activity())}\n${sink?.log}`); });
    await waitFor('the activity offsets committed to the end', async () => ((await activityCommittedToEnd()) ? true : undefined), 30_000);

    expect(await stopSink()).toBe(0);
    const second = events(2).map((e) => ({ key: e.call_id, value: calls.encode(e) }));
    const garbage = { ...events(2)[0]!, event_id: `${RUN}-bad`, calling_number: 'anonymous' };
    await sendCalls([...second, { key: 'garbage', value: Buffer.from('not avro') }, { key: 'bad', value: calls.encode(garbage) }]);
    await startSink();
    await waitFor('both runs\' counts in origin_activity', async () => {
      const rows = await activity();
      return JSON.stringify(rows) === JSON.stringify(expected(2)) ? rows : undefined;
    }, 60_000).catch(async (err: Error) => { throw new Error(`${err.message}\ngot ${JSON.stringify(await activity())}\n${sink?.log}`); });
    await waitFor('the activity offsets committed to the end', async () => ((await activityCommittedToEnd()) ? true : undefined), 30_000);

    // Nothing counted twice after the commit either (a late duplicate insert would show here).
    expect(await activity()).toEqual(expected(2));
    expect(await metricSum(sinkPort, 'alert_sink_activity_records_undecodable_total', { reason: 'BAD_MAGIC_BYTE' })).toBe(1);
    expect(await metricSum(sinkPort, 'alert_sink_activity_records_undecodable_total', { reason: 'CONTRACT_VIOLATION' })).toBe(1);
    const body = await (await fetch(`http://127.0.0.1:${sinkPort}/readyz`)).json() as { checks: Record<string, boolean> };
    expect(body.checks).toMatchObject({ 'activity-consumer': true, clickhouse: true });
    // No phone numbers in metric labels.
    const metrics = await (await fetch(`http://127.0.0.1:${sinkPort}/metrics`)).text();
    expect(metrics).not.toMatch(/\+44770090/);
  });

  it('keeps every version of an alert in alert_history after alerts merges to the last one', async () => {
    if (!sink) await startSink();
    const id = `it-${RUN}-escalating`;
    const version = (severity: Alert['severity'], step: number): Alert => ({
      alert_id: id, rule_id: 'cli-spoof-dno', severity, entity_type: 'ingress_trunk', entity: ORIGINS.a.trunk,
      window_start: M0, window_end: M0 + (step + 1) * MINUTE, ts: M0 + MINUTE, value: 3 + step, threshold: 3, summary: `step ${step}`, evidence: ['c1'],
    });
    const steps = [version('LOW', 0), version('MEDIUM', 1), version('HIGH', 2), version('MEDIUM', 1)];
    for (const alert of steps) await producer.send({ topic: topics.alerts, acks: -1, messages: [{ key: id, value: alerts.encode(alert) }] });
    await waitFor('the four copies stored', async () =>
      ((await metricSum(sinkPort, 'alert_sink_rows_inserted_total', { table: 'alerts' })) >= steps.length ? true : undefined), 60_000);

    await db.client.command({ query: `OPTIMIZE TABLE ${db.name}.alerts FINAL` });
    await db.client.command({ query: `OPTIMIZE TABLE ${db.name}.alert_history FINAL` });
    expect(await db.rows(`SELECT severity, value FROM ${db.name}.alerts WHERE alert_id = '${id}'`)).toEqual([{ severity: 'HIGH', value: 5 }]);
    const history = await db.rows(`SELECT severity, window_end, value, summary FROM ${db.name}.alert_history FINAL WHERE alert_id = '${id}' ORDER BY version`);
    expect(history).toEqual([
      { severity: 'LOW', window_end: String(M0 + MINUTE), value: 3, summary: 'step 0' },
      { severity: 'MEDIUM', window_end: String(M0 + 2 * MINUTE), value: 4, summary: 'step 1' },
      { severity: 'HIGH', window_end: String(M0 + 3 * MINUTE), value: 5, summary: 'step 2' },
    ]);
    // The replayed MEDIUM collapsed into its first copy once merged, without FINAL too.
    expect(await db.rows(`SELECT count() AS n FROM ${db.name}.alert_history WHERE alert_id = '${id}'`)).toEqual([{ n: '3' }]);
  });
});
