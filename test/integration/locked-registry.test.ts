/**
 * A reading service against a locked-down registry: the local registry in read-only mode with basic
 * auth (a second instance over the stack's `_schemas` topic, so it holds the schemas the stack
 * registered at start). The alert-sink, which only reads its topics, starts with the registry's
 * credentials, stores an alert encoded by the stack's registry, and never asked to register
 * anything. Start the stack with `bash infra/scripts/up.sh` and build with `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert } from '@telfraud/core';
import { freePort, httpStatus } from '../support/net.js';
import { ServiceProcess } from '../support/service-process.js';
import { ROOT, readStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const stackEnv = readStackEnv(path.join(ROOT, '.data/env'));
const RUN = randomBytes(4).toString('hex');
const DATABASE = `it_locked_registry_${RUN}`;
const USER = 'alert-sink';
const PASSWORD = `pw-${RUN}-0123456789`;

describe.skipIf(!stackEnv)('a reading service and a locked-down registry', () => {
  const env = stackEnv ?? {};
  let registry: ServiceProcess | undefined;
  let sink: ServiceProcess | undefined;
  let lockedUrl = '';
  let clickhouse: ClickHouseClient;
  let producer: Producer;

  beforeAll(async () => {
    const migrated = spawnSync('bash', [path.join(ROOT, 'infra/clickhouse/migrate.sh')], {
      env: { ...process.env, CLICKHOUSE_URL: env['CLICKHOUSE_URL'], CLICKHOUSE_DATABASE: DATABASE }, encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrate.sh failed: ${migrated.stderr}`);
    clickhouse = createClient({ url: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123' });

    const users = path.join(mkdtempSync(path.join(tmpdir(), 'locked-registry-')), 'users');
    writeFileSync(users, `# the services read only\n${USER}:${PASSWORD}:readonly\n`);
    const port = await freePort();
    lockedUrl = `http://127.0.0.1:${port}`;
    registry = ServiceProcess.start('schema-registry', 'services/schema-registry/dist/main.js', {
      ...env, SCHEMA_REGISTRY_PORT: String(port), SCHEMA_REGISTRY_READ_ONLY: 'true', SCHEMA_REGISTRY_USERS_FILE: users,
    });
    await waitFor('the locked registry', async () => ((await httpStatus(`${lockedUrl}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${registry?.log}`); });

    const kafka = new Kafka({ clientId: `it-locked-${RUN}`, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    await sink?.stop();
    if (process.env['IT_SHOW_LOGS']) console.log(sink?.log, registry?.log);
    await registry?.stop();
    await producer?.disconnect().catch(() => undefined);
    await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` }).catch(() => undefined);
    await clickhouse?.close();
  });

  it('refuses anonymous requests and every write, and serves the services\' lookups', async () => {
    expect(await httpStatus(`${lockedUrl}/subjects`)).toBe(401);
    const client = createRegistryClient({ schemaRegistryUrl: lockedUrl, schemaRegistryUsername: USER, schemaRegistryPassword: PASSWORD });
    const schema = loadTopicSchema('fraud-alerts');
    const codec = await AvroTopicCodec.lookup(client, schema, { logger: createLogger({ level: 'error' }), required: true });
    expect(codec.schemaId).toBeGreaterThan(0);
    await expect(AvroTopicCodec.create(client, schema, { logger: createLogger({ level: 'error' }), deadlineMs: 2_000 })).rejects.toMatchObject({ code: 'SCHEMA_INCOMPATIBLE' });
  });

  it('runs the alert-sink on it: starts, decodes and stores an alert, and never registers', async () => {
    const httpPort = await freePort();
    sink = ServiceProcess.start('alert-sink', 'services/alert-sink/dist/main.js', {
      ...env, SCHEMA_REGISTRY_URL: lockedUrl, SCHEMA_REGISTRY_USERNAME: USER, SCHEMA_REGISTRY_PASSWORD: PASSWORD,
      CLICKHOUSE_DATABASE: DATABASE, SINK_GROUP_ID: `it-locked-${RUN}`, ALERT_SINK_ACTIVITY_GROUP_ID: `it-locked-${RUN}-activity`,
      ALERT_SINK_HTTP_PORT: String(httpPort), SINK_FLUSH_INTERVAL_MS: '100', LOG_LEVEL: 'info',
    });
    await waitFor('the sink to be ready', async () => ((await httpStatus(`http://127.0.0.1:${httpPort}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${sink?.log}`); });

    // Written by a producer of the stack (its registry), read through the locked one.
    const stackRegistry = createRegistryClient({ schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? '', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const writer = await AvroTopicCodec.lookup<Alert>(stackRegistry, loadTopicSchema('fraud-alerts'), { logger: createLogger({ level: 'error' }), required: true });
    const TS = Date.now();
    const alert: Alert = {
      alert_id: `it-${RUN}-locked`, rule_id: 'dno-spoof', severity: 'HIGH', entity_type: 'ingress_trunk', entity: `trunk-${RUN}`,
      window_start: TS - 60_000, window_end: TS, ts: TS, value: 4, threshold: 1, summary: 'DNO numbers presented', evidence: ['c1'],
    };
    await producer.send({ topic: 'fraud-alerts', acks: -1, messages: [{ key: alert.alert_id, value: writer.encode(alert) }] });
    const stored = await waitFor('the alert in ClickHouse', async () => {
      // A new group may also store older alerts of the topic: only this one is looked for (its id is made of hex digits).
      const rows = await (await clickhouse.query({ query: `SELECT alert_id, severity FROM ${DATABASE}.alerts FINAL WHERE alert_id = '${alert.alert_id}'`, format: 'JSONEachRow' })).json();
      return rows.length > 0 ? rows : undefined;
    }, 60_000).catch((err: Error) => { throw new Error(`${err.message}\n${sink?.log}`); });
    expect(stored).toEqual([{ alert_id: alert.alert_id, severity: 'HIGH' }]);

    const metrics = await (await fetch(`${lockedUrl}/metrics`)).text();
    const writes = metrics.split('\n').filter((l) => l.startsWith('schema_registry_http_requests_total') && /method="(POST|PUT|DELETE)"/.test(l) && l.includes('route="/subjects/{subject}/versions"'));
    expect(writes.filter((l) => !/\s0$/.test(l)).map((l) => l.replace(/\s\S+$/, ''))).toEqual([
      // Only the test's own attempt above; none from the sink (it would have made it fail to start).
      expect.stringContaining('status="422"'),
    ]);
    expect(sink.log).toMatch(/schema found/);
    expect(sink.log).not.toMatch(/schema registered/);
  });
});
