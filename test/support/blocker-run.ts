import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert } from '@telfraud/core';
import { brokerControl } from './broker-control.js';
import { TestDatabase } from './clickhouse-db.js';
import { GroupOffsets } from './group-offsets.js';
import { freePort, httpStatus } from './net.js';
import { ServiceProcess } from './service-process.js';
import { waitFor } from './wait-for.js';

/**
 * A blocker process of its own on the local stack: fresh alert, action and dead-letter topics, a
 * fresh migrated ClickHouse database, its own consumer group and port. It can be killed and
 * started again with the same group, topics and database.
 */
export class BlockerRun {
  private proc: ServiceProcess | undefined;
  private readonly started: ServiceProcess[] = [];
  port = 0;

  private constructor(
    readonly run: string,
    readonly env: Record<string, string>,
    readonly topics: { alerts: string; actions: string; dlq: string },
    readonly db: TestDatabase,
    private readonly producer: Producer,
    private readonly codec: AvroTopicCodec<Alert>,
    readonly offsets: GroupOffsets,
  ) {}

  static async open(run: string, env: Record<string, string>): Promise<BlockerRun> {
    const topics = { alerts: `t-${run}-alerts`, actions: `t-${run}-actions`, dlq: `t-${run}-actions-dlq` };
    const control = env['KAFKA_CONTROL'];
    if (!control) throw new Error('KAFKA_CONTROL missing from .data/env');
    for (const [topic, partitions] of [[topics.alerts, 3], [topics.actions, 3], [topics.dlq, 1]] as const) await brokerControl(control, `create-topic ${topic} ${partitions}`);
    const db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `t_${run.replace(/-/g, '_')}`);
    const registry = createRegistryClient({ schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const codec = await AvroTopicCodec.create<Alert>(registry, loadTopicSchema('fraud-alerts'), { logger: createLogger({ level: 'warn' }) });
    const producer = new Kafka({ clientId: `faults-${run}`, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    return new BlockerRun(run, env, topics, db, producer, codec, await GroupOffsets.connect(env));
  }

  get group(): string {
    return `t-${this.run}-blocker`;
  }

  get service(): ServiceProcess | undefined {
    return this.proc;
  }

  /** Starts the blocker (same group, topics and database each time), `extra` on top of its environment; waits until ready. */
  async start(extra: Record<string, string>): Promise<ServiceProcess> {
    if (this.proc) throw new Error('the blocker is already running');
    this.port ||= await freePort();
    const proc = ServiceProcess.start('blocker', 'services/blocker/dist/main.js', {
      ...this.env, CLICKHOUSE_DATABASE: this.db.name, LOG_LEVEL: 'info', BLOCKER_HTTP_PORT: String(this.port), BLOCKER_GROUP_ID: this.group,
      BLOCKER_ALERT_TOPIC: this.topics.alerts, BLOCKER_ACTION_TOPIC: this.topics.actions, BLOCKER_DEAD_LETTER_TOPIC: this.topics.dlq,
      BLOCKER_EXPIRY_CHECK_MS: '1000', SHUTDOWN_TIMEOUT_MS: '15000', ...extra,
    });
    this.proc = proc;
    this.started.push(proc);
    await waitFor('the blocker to be ready', async () => ((await httpStatus(`http://127.0.0.1:${this.port}/readyz`)) === 200 ? true : undefined), 90_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n--- blocker log ---\n${proc.log}`); });
    return proc;
  }

  /** `kill -9`: nothing flushed, nothing committed beyond what already was. */
  async kill(): Promise<void> {
    await this.proc?.kill('SIGKILL');
    this.proc = undefined;
  }

  async produce(alerts: Alert[]): Promise<void> {
    await this.producer.send({ topic: this.topics.alerts, acks: -1, messages: alerts.map((a) => ({ key: a.alert_id, value: this.codec.encode(a) })) });
  }

  /** Waits until the group has committed every alert produced. */
  drained(timeoutMs = 90_000): Promise<void> {
    return this.offsets.waitCaughtUp(this.group, [this.topics.alerts], timeoutMs);
  }

  rows<T = Record<string, string>>(query: string): Promise<T[]> {
    return this.db.rows<T>(query);
  }

  logs(): string {
    return this.started.map((s) => s.log).join('\n');
  }

  async close(): Promise<void> {
    await this.proc?.stop();
    this.proc = undefined;
    await this.producer.disconnect().catch(() => undefined);
    await this.offsets.close().catch(() => undefined);
    await this.db.drop();
  }
}

/** An alert as the detector would produce it (contract section 4). */
export function testAlert(id: string, patch: Partial<Alert> = {}): Alert {
  const ts = patch.ts ?? Date.now();
  return {
    alert_id: id, rule_id: 'dno-spoofed-cli-trunk', severity: 'HIGH', entity_type: 'ingress_trunk', entity: id,
    window_start: ts - 60_000, window_end: ts, ts, value: 5, threshold: 1, summary: 'fault test alert', evidence: [], ...patch,
  };
}
