/**
 * The whole pipeline on the real local stack (mock Kafka cluster, Schema Registry, ClickHouse,
 * Prometheus, started by `make up`): generator → call-events → detector → fraud-alerts →
 * alert-sink → ClickHouse, scraped by Prometheus. Every run has its own topics, database,
 * consumer groups and ports.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert, VictimExposure } from '@telfraud/core';
import { runReplay } from '@telfraud/detector';
import { runToFiles } from '@telfraud/generator';
import { DEFAULT_RULE_PACK } from '@telfraud/core';
import { loadReferenceDir } from '@telfraud/detector';
import { scoreAgainstLabels, type ScoringLabel } from '../support/label-scoring.js';
import { STRICT_RULES } from '../support/strict-rules.js';
import { freePort } from '../support/net.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { addScrapeTargets, promQuery } from '../support/prometheus.js';
import { ServiceProcess } from '../support/service-process.js';
import { requireStackEnv } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const env = requireStackEnv();
const PROMETHEUS = env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';
const newRun = (): string => randomBytes(4).toString('hex');

type StoredAlert = Alert & { severity: string };

describe('a generated iSpoof campaign through the streaming pipeline', () => {
  const run = newRun();
  let harness: PipelineHarness;
  let generator: ServiceProcess | undefined;
  let removeTargets: () => void = () => {};
  const labelsFile = path.join(mkdtempSync(path.join(tmpdir(), `telfraud-e2e-${run}-`)), 'labels.json');

  beforeAll(async () => {
    harness = await PipelineHarness.start(run, env);
    const port = await freePort();
    removeTargets = addScrapeTargets(`${run}-gen`, [{ port, job: 'generator' }]);
    generator = ServiceProcess.start('generator', 'services/generator/dist/main.js', {
      ...env,
      GENERATOR_HTTP_PORT: String(port), GENERATOR_SEED: '11', GENERATOR_RATE: '40', GENERATOR_SCENARIOS: 'ispoof',
      GENERATOR_CAMPAIGN_START_S: '3', GENERATOR_DURATION_S: '600', GENERATOR_LABELS_FILE: labelsFile,
      GENERATOR_CALL_TOPIC: harness.topics.calls, GENERATOR_SMS_TOPIC: harness.topics.sms, LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await generator?.stop();
    removeTargets();
    await harness?.stop();
  });

  it('stores an alert on the campaign origin in ClickHouse, counts it in Prometheus, and alerts on no ordinary subscriber', async () => {
    const spoofed = await waitFor('a DNO alert row in ClickHouse', async () => {
      const rows = await harness.alerts<StoredAlert>("rule_id = 'dno-spoofed-cli-trunk'");
      return rows.length > 0 ? rows : undefined;
    }, 120_000).catch((err: Error) => { throw new Error(`${err.message}\n${harness.logs()}\n${generator?.log}`); });

    const counted = await waitFor('the alert counter in Prometheus', async () => {
      const v = await promQuery(PROMETHEUS, `sum(fraud_alerts_emitted_total{run="${run}",rule_id="dno-spoofed-cli-trunk"})`);
      return v !== undefined && v > 0 ? v : undefined;
    }, 60_000);
    expect(counted).toBeGreaterThan(0);

    // Let the background run a little longer, then judge every stored alert against the labels.
    await waitFor('the labels file', async () => (existsSync(labelsFile) ? true : undefined), 30_000);
    expect(await generator!.stop()).toBe(0);
    const labels = (JSON.parse(readFileSync(labelsFile, 'utf8')) as { labels: ScoringLabel[] }).labels;
    const ispoof = labels.find((l) => l.scenario === 'ispoof')!;
    expect(ispoof.entities).toContainEqual({ entity_type: 'ingress_trunk', entity: spoofed[0]!.entity });
    const stored = await harness.alerts<StoredAlert>();
    const score = scoreAgainstLabels(labels, stored, await harness.victims<VictimExposure>());
    expect(score.falsePositives.map((a) => `${a.rule_id} ${a.entity}`)).toEqual([]);
    expect(score.fraud.find((f) => f.scenario === 'ispoof')!.detectionDelayMs).toBeLessThan(60_000);
  });
});

describe('the streaming path and the replay CLI agree on the same traffic', () => {
  const run = newRun();
  const dir = mkdtempSync(path.join(tmpdir(), `telfraud-e2e-files-${run}-`));
  let harness: PipelineHarness;
  let producer: Producer;

  beforeAll(async () => {
    harness = await PipelineHarness.start(run, env);
    const kafka = new Kafka({ clientId: `e2e-${run}`, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await harness?.stop();
  });

  it('gives the same alert ids and victims from Kafka to ClickHouse as from files', async () => {
    await runToFiles({
      outDir: dir,
      simulation: {
        seed: 5, startTs: Date.now() - 75 * 60_000, horizonMs: 15 * 60_000, backgroundRate: 20,
        scenarios: ['ispoof', 'cli-rotation', 'low-and-slow', 'bank-call-centre', 'notification-run', 'roaming-mobiles'],
      },
    });
    const replay = await runReplay({
      calls: path.join(dir, 'calls.jsonl'), sms: path.join(dir, 'sms.jsonl'), out: path.join(dir, 'replay'),
      pack: DEFAULT_RULE_PACK, reference: loadReferenceDir(path.join(dir, 'reference')), report: () => {},
    });
    expect(replay.alerts.length).toBeGreaterThan(5);

    const registry = createRegistryClient({ schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const logger = createLogger({ level: 'warn' });
    const callCodec = await AvroTopicCodec.create(registry, loadTopicSchema('call-events'), { logger });
    const smsCodec = await AvroTopicCodec.create(registry, loadTopicSchema('sms-events'), { logger });
    for (const [file, topic, codec, keyOf] of [
      ['calls.jsonl', harness.topics.calls, callCodec, (e: Record<string, unknown>) => String(e['call_id'])],
      ['sms.jsonl', harness.topics.sms, smsCodec, (e: Record<string, unknown>) => String(e['recipient_number'])],
    ] as const) {
      const events = readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      for (let i = 0; i < events.length; i += 2_000) {
        const chunk = events.slice(i, i + 2_000);
        await producer.send({ topic, acks: -1, messages: chunk.map((e) => ({ key: keyOf(e), value: codec.encode(e) })) });
      }
    }

    // Alerts fire as soon as a window's thresholds hold, so a rule sitting exactly on a threshold can
    // tip either way when partitions interleave differently from the file. What must agree: every
    // flagged origin, every rule on the clear-cut ones, and the victims.
    const entities = (alerts: Alert[]): string[] => [...new Set(alerts.map((a) => `${a.entity_type}=${a.entity}`))].sort();
    const expected = entities(replay.alerts);
    const strictRules = STRICT_RULES;
    const idsOf = (alerts: Alert[], rule: string): string[] => alerts.filter((a) => a.rule_id === rule).map((a) => a.alert_id).sort();
    const complete = (rows: Alert[]): boolean =>
      entities(rows).length >= expected.length && strictRules.every((r) => idsOf(rows, r).length >= idsOf(replay.alerts, r).length);
    let stored: StoredAlert[] = [];
    await waitFor('the replay\'s alerts in ClickHouse', async () => {
      stored = await harness.alerts<StoredAlert>();
      return complete(stored) ? true : undefined;
    }, 120_000).catch(() => undefined);
    expect(entities(stored)).toEqual(expected);
    const diagnosis = await harness.detectorCounters();
    for (const rule of strictRules) expect(idsOf(stored, rule), `${rule}\n${diagnosis}`).toEqual(idsOf(replay.alerts, rule));
    const ids = new Set(stored.map((a) => a.alert_id));
    expect(replay.alerts.filter((a) => ids.has(a.alert_id)).length / replay.alerts.length).toBeGreaterThan(0.9);

    const victims = await waitFor('victims in ClickHouse', async () => {
      const rows = await harness.victims<VictimExposure>();
      return rows.length >= replay.victims.length ? rows : undefined;
    }, 60_000);
    expect(new Set(victims.map((v) => v.call_id))).toEqual(new Set(replay.victims.map((v) => v.call_id)));
  });
});
