/**
 * The alert sink against the real local stack: mock Kafka broker, ClickHouse 18.16 and the
 * project's Schema Registry. Start the stack with `bash infra/scripts/up.sh` and build with
 * `npx tsc -b services/common services/core services/schema-registry services/alert-sink`.
 * Each run migrates a fresh database, uses a fresh consumer group and unique ids, and drops the
 * database afterwards. The stack's registry (SCHEMA_REGISTRY_URL) is reused when it answers; otherwise the
 * test starts one.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert, VictimExposure } from '@telfraud/core';
import { FlakyLink } from '../support/flaky-link.js';
import { freePort, httpStatus } from '../support/net.js';
import { ServiceProcess } from '../support/service-process.js';
import { ROOT, readStackEnv } from '../support/stack.js';
import { sleep, waitFor } from '../support/wait-for.js';

const stackEnv = readStackEnv(path.join(ROOT, '.data/env'));
const RUN = randomBytes(4).toString('hex');
const DATABASE = `it_alert_sink_${RUN}`;
const ID = (s: string): string => `it-${RUN}-${s}`;
const TS = Date.UTC(2026, 10, 20, 12, 0, 0);

if (!stackEnv) console.warn('alert-sink integration test skipped: no .data/env (run `bash infra/scripts/up.sh` first)');

describe.skipIf(!stackEnv)('alert-sink on the local stack', () => {
  const env = stackEnv ?? {};
  const brokers = (env['KAFKA_BROKERS'] ?? '').split(',');
  const kafka = new Kafka({ clientId: `it-alert-sink-${RUN}`, brokers, logLevel: logLevel.NOTHING });
  let registry: ServiceProcess | undefined;
  let sink: ServiceProcess | undefined;
  let registryUrl = env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
  let sinkUrl = '';
  let clickhouse: ClickHouseClient;
  let producer: Producer;
  let admin: Admin;
  let dlqConsumer: Consumer | undefined;
  let clickhouseLink: FlakyLink;
  let alertCodec: AvroTopicCodec<Alert>;
  let victimCodec: AvroTopicCodec<VictimExposure>;
  const produced: { topic: string; partition: number; offset: number }[] = [];

  const alert = (id: string, patch: Partial<Alert> = {}): Alert => ({
    alert_id: ID(id), rule_id: 'dno-spoof', severity: 'CRITICAL', entity_type: 'ingress_trunk', entity: `trunk-${RUN}`,
    window_start: TS - 60_000, window_end: TS, ts: TS, value: 4, threshold: 1, summary: 'DNO numbers presented', evidence: ['c1', 'c2'], ...patch,
  });
  const victim = (callId: string): VictimExposure => ({
    victim_number: '+447700900123', entity_type: 'ingress_trunk', entity: `trunk-${RUN}`, alert_id: ID('a1'), call_id: ID(callId), ts: TS + 5_000, duration_ms: 95_000,
  });

  async function send(topic: string, key: string, value: Buffer): Promise<void> {
    const [meta] = await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    if (meta) produced.push({ topic, partition: meta.partition, offset: Number(meta.baseOffset) });
  }

  async function rows(query: string): Promise<Record<string, unknown>[]> {
    const result = await clickhouse.query({ query, format: 'JSONEachRow' });
    return result.json<Record<string, unknown>>();
  }

  beforeAll(async () => {
    const migrated = spawnSync('bash', [path.join(ROOT, 'infra/clickhouse/migrate.sh')], {
      env: { ...process.env, CLICKHOUSE_URL: env['CLICKHOUSE_URL'], CLICKHOUSE_DATABASE: DATABASE }, encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrate.sh failed: ${migrated.stderr}`);
    clickhouse = createClient({ url: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123' });

    if ((await httpStatus(`${registryUrl}/subjects`)) !== 200) {
      const port = await freePort();
      registryUrl = `http://127.0.0.1:${port}`;
      registry = ServiceProcess.start('schema-registry', 'services/schema-registry/dist/main.js', { ...env, SCHEMA_REGISTRY_PORT: String(port) });
      await waitFor('the schema registry', async () => ((await httpStatus(`${registryUrl}/subjects`)) === 200 ? true : undefined), 60_000)
        .catch((err: Error) => { throw new Error(`${err.message}\n${registry?.log}`); });
    }
    const schemaRegistry = createRegistryClient({ schemaRegistryUrl: registryUrl, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const logger = createLogger({ level: 'warn' });
    alertCodec = await AvroTopicCodec.create<Alert>(schemaRegistry, loadTopicSchema('fraud-alerts'), { logger });
    victimCodec = await AvroTopicCodec.create<VictimExposure>(schemaRegistry, loadTopicSchema('victim-exposures'), { logger });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();

    // The sink reaches ClickHouse through a link the test can cut, to simulate an outage.
    clickhouseLink = await FlakyLink.start(new URL(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123'));
    ({ sink, sinkUrl } = await startSink({}));
  });

  /** Starts a sink process (group `it-alert-sink-RUN`) and waits until it is ready. */
  async function startSink(extra: Record<string, string>): Promise<{ sink: ServiceProcess; sinkUrl: string }> {
    const httpPort = await freePort();
    const started = ServiceProcess.start('alert-sink', 'services/alert-sink/dist/main.js', {
      ...env, SCHEMA_REGISTRY_URL: registryUrl, CLICKHOUSE_URL: clickhouseLink.url, CLICKHOUSE_DATABASE: DATABASE,
      SINK_GROUP_ID: `it-alert-sink-${RUN}`, ALERT_SINK_HTTP_PORT: String(httpPort), SINK_FLUSH_INTERVAL_MS: '100',
      ALERT_SINK_ACTIVITY_GROUP_ID: `it-alert-sink-${RUN}-activity`,
      SINK_RETRY_INITIAL_MS: '100', SINK_RETRY_MAX_MS: '1000', SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'info', ...extra,
    });
    const url = `http://127.0.0.1:${httpPort}`;
    await waitFor('the sink to be ready', async () => ((await httpStatus(`${url}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch(async (err: Error) => {
        await started.stop();
        throw new Error(`${err.message}\n${started.log}`);
      });
    return { sink: started, sinkUrl: url };
  }

  async function committed(topic: string, partition: number): Promise<number> {
    const [t] = await admin.fetchOffsets({ groupId: `it-alert-sink-${RUN}`, topics: [topic] });
    return Number(t?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  afterAll(async () => {
    await dlqConsumer?.disconnect().catch(() => undefined);
    await sink?.stop();
    if (process.env['IT_SHOW_LOGS']) console.log(sink?.log, registry?.log);
    await registry?.stop();
    await clickhouseLink?.close();
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` }).catch(() => undefined);
    await clickhouse?.close();
  });

  it('stores alerts and victim exposures once each, even when an alert arrives twice', async () => {
    const mine = `LIKE 'it-${RUN}-%'`; // RUN is 8 hex digits; every other value goes in as data
    await send('fraud-alerts', ID('a1'), alertCodec.encode(alert('a1')));
    await waitFor('the first copy of a1', async () => ((await rows(`SELECT alert_id FROM ${DATABASE}.alerts WHERE alert_id ${mine}`)).length === 1 ? true : undefined));

    // The second copy lands in another part: only FINAL (or a later merge) collapses it. Everything
    // below has the same key, so one partition: once the last record is stored, all earlier ones are.
    await send('fraud-alerts', ID('a1'), alertCodec.encode(alert('a1', { summary: 'DNO numbers presented (replayed)' })));
    await send('fraud-alerts', ID('a1'), alertCodec.encode(alert('a2', { severity: 'MEDIUM', value: 7.5 })));
    for (const callId of ['c1', 'c2', 'c1', 'c3']) await send('victim-exposures', ID('a1'), victimCodec.encode(victim(callId)));
    await waitFor('a2 and c3 stored', async () => {
      const a2 = await rows(`SELECT 1 FROM ${DATABASE}.alerts WHERE alert_id = '${ID('a2')}'`);
      const c3 = await rows(`SELECT 1 FROM ${DATABASE}.victim_exposures WHERE call_id = '${ID('c3')}'`);
      return a2.length > 0 && c3.length > 0 ? true : undefined;
    });

    const alerts = await rows(`SELECT alert_id, severity, value, summary, evidence, event_date, window_start FROM ${DATABASE}.alerts FINAL WHERE alert_id ${mine} ORDER BY alert_id`);
    expect(alerts).toEqual([
      { alert_id: ID('a1'), severity: 'CRITICAL', value: 4, summary: expect.stringMatching(/^DNO numbers presented/), evidence: ['c1', 'c2'], event_date: '2026-11-20', window_start: String(TS - 60_000) },
      { alert_id: ID('a2'), severity: 'MEDIUM', value: 7.5, summary: 'DNO numbers presented', evidence: ['c1', 'c2'], event_date: '2026-11-20', window_start: String(TS - 60_000) },
    ]);
    const victims = await rows(`SELECT call_id, victim_number, duration_ms, count() AS n FROM ${DATABASE}.victim_exposures FINAL WHERE call_id ${mine} GROUP BY call_id, victim_number, duration_ms ORDER BY call_id`);
    expect(victims).toEqual(['c1', 'c2', 'c3'].map((c) => ({ call_id: ID(c), victim_number: '+447700900123', duration_ms: 95_000, n: '1' })));
  });

  it('parks garbage and contract-violating records on fraud-alerts-dlq with their reason', async () => {
    const seen = new Map<string, Record<string, string>>();
    dlqConsumer = kafka.consumer({ groupId: `it-dlq-${RUN}` });
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: 'fraud-alerts-dlq', fromBeginning: true });
    await dlqConsumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const key = message.key?.toString('utf8') ?? '';
        if (!key.startsWith(`it-${RUN}-`)) return;
        const headers: Record<string, string> = { value: message.value?.toString('utf8') ?? '' };
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        seen.set(key, headers);
      },
    });
    await send('fraud-alerts', ID('garbage'), Buffer.from('this is not avro'));
    await send('fraud-alerts', ID('bad-window'), alertCodec.encode(alert('bad-window', { window_end: TS - 120_000 })));

    await waitFor('both records on fraud-alerts-dlq', async () => (seen.size >= 2 ? true : undefined), 60_000);
    expect(seen.get(ID('garbage'))).toMatchObject({ 'dlq-reason': 'BAD_MAGIC_BYTE', 'dlq-source-topic': 'fraud-alerts', value: 'this is not avro' });
    expect(seen.get(ID('bad-window'))).toMatchObject({ 'dlq-reason': 'CONTRACT_VIOLATION', 'dlq-path': 'window_end' });
    expect(await rows(`SELECT alert_id FROM ${DATABASE}.alerts WHERE alert_id = '${ID('bad-window')}'`)).toEqual([]);
    const metrics = await (await fetch(`${sinkUrl}/metrics`)).text();
    expect(metrics).toMatch(/fraud_events_rejected_total\{[^}]*topic="fraud-alerts"[^}]*reason="BAD_MAGIC_BYTE"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/alert_sink_insert_duration_seconds_count\{[^}]*table="alerts"[^}]*result="ok"/);
  });

  it('holds rows and their offsets through a ClickHouse outage, then stores them', async () => {
    clickhouseLink.cut();
    await waitFor('readiness to report ClickHouse down', async () => ((await httpStatus(`${sinkUrl}/readyz`)) === 503 ? true : undefined));
    await send('fraud-alerts', ID('outage'), alertCodec.encode(alert('outage')));
    const sent = produced.at(-1);
    if (!sent) throw new Error('nothing produced');
    await waitFor('failed inserts', async () => {
      const text = await (await fetch(`${sinkUrl}/metrics`)).text();
      return /alert_sink_insert_failures_total\{[^}]*code="CLICKHOUSE_UNAVAILABLE"[^}]*\} ([2-9]|\d\d)/.test(text) ? true : undefined;
    });
    expect(await committed(sent.topic, sent.partition)).toBeLessThanOrEqual(sent.offset);

    clickhouseLink.restore();
    await waitFor('the held alert stored', async () =>
      ((await rows(`SELECT 1 FROM ${DATABASE}.alerts WHERE alert_id = '${ID('outage')}'`)).length === 1 ? true : undefined));
    await waitFor('its offset committed', async () => ((await committed(sent.topic, sent.partition)) > sent.offset ? true : undefined));
    expect(await httpStatus(`${sinkUrl}/readyz`)).toBe(200);
    expect(sink?.log).toMatch(/"msg":"insert failed, retrying"/);
  });

  it('stops on SIGTERM with exit 0, every consumed offset committed', async () => {
    const code = await sink?.stop(25_000);
    expect(code, sink?.log).toBe(0);
    for (const m of produced) expect(await committed(m.topic, m.partition), `${m.topic}/${m.partition}@${m.offset}`).toBeGreaterThan(m.offset);
  });

  it('rides out an outage longer than the session timeout, and a stop that cannot store exits 1 uncommitted', async () => {
    const second = await startSink({ SHUTDOWN_TIMEOUT_MS: '4000' });
    sink = second.sink;
    clickhouseLink.cut();
    await send('fraud-alerts', ID('unstored'), alertCodec.encode(alert('unstored')));
    const sent = produced.at(-1);
    if (!sent) throw new Error('nothing produced');
    await waitFor('failed inserts', async () => (second.sink.log.includes('"msg":"insert failed, retrying"') ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 12_000)); // > the 10 s session timeout: heartbeats keep the group
    // The sink's own group (the activity writer's joins under its own group, `…-activity`).
    expect(second.sink.log.match(new RegExp(`"msg":"partitions assigned","groupId":"it-alert-sink-${RUN}"`, 'g'))).toHaveLength(1);
    expect(second.sink.log).not.toMatch(/consumer crashed/);

    const started = Date.now();
    const code = await second.sink.stop(10_000);
    expect(code, second.sink.log).toBe(1);
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(await committed(sent.topic, sent.partition)).toBeLessThanOrEqual(sent.offset);
    clickhouseLink.restore();
  });
});
