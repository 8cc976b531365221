/**
 * The blocker against the real local stack (mock Kafka broker, Schema Registry, ClickHouse 18.16)
 * with real HTTP receivers that verify every signature (services/blocker/src/sample-receiver.ts,
 * built on the exported verifyHook). Start the stack with `bash infra/scripts/up.sh` and build
 * with `npx tsc -b services/common services/core services/blocker`. Each run migrates a fresh
 * database, creates its own topics and consumer groups, and drops the database afterwards.
 * The alerts of the campaign come from the real detection core (DetectionEngine, default rule pack)
 * fed with an iSpoof-style call pattern.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import { DEFAULT_RULE_PACK, DetectionEngine, parseDnoCsv, type Alert, type CallEvent } from '@telfraud/core';
import type { BlockAction } from '../../services/blocker/src/core/decision.js';
import { signHook, verifyHook, type HookRequest } from '../../services/blocker/src/hook-signature.js';
import { SampleReceiver } from '../../services/blocker/src/sample-receiver.js';
import { freePort, httpStatus } from '../support/net.js';
import { ServiceProcess } from '../support/service-process.js';
import { readStackEnv, ROOT } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const stackEnv = readStackEnv(path.join(ROOT, '.data/env'));
const RUN = randomBytes(4).toString('hex');
const DATABASE = `it_blocker_${RUN}`;
const SECRET = `it-secret-${RUN}-0123456789`;
const TOKEN = `it-token-${RUN}-0123456789`;
const BREAKER_MAX = 8;
const TOPICS = {
  alerts: `it-blocker-alerts-${RUN}`, dryAlerts: `it-blocker-dry-alerts-${RUN}`,
  actions: `it-blocker-actions-${RUN}`, dlq: `it-blocker-actions-dlq-${RUN}`,
};
const E = (s: string): string => `it-${RUN}-${s}`;
const ALLOWLISTED = E('bank-outbound');

if (!stackEnv) console.warn('blocker integration test skipped: no .data/env (run `bash infra/scripts/up.sh` first)');

describe.skipIf(!stackEnv)('blocker on the local stack', () => {
  const env = stackEnv ?? {};
  const kafka = new Kafka({ clientId: `it-blocker-${RUN}`, brokers: (env['KAFKA_BROKERS'] ?? '').split(','), logLevel: logLevel.NOTHING });
  let registry: ServiceProcess | undefined;
  let registryUrl = env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
  let blocker: ServiceProcess | undefined;
  let blockerUrl = '';
  let clickhouse: ClickHouseClient;
  let producer: Producer;
  let admin: Admin;
  let codec: AvroTopicCodec<Alert>;
  let r1: SampleReceiver;
  let r2: SampleReceiver;
  let workDir = '';
  let campaign: Alert[] = [];
  const trunk = E('nl-voip-wholesale');

  const produce = async (topic: string, alerts: Alert[]): Promise<void> => {
    await producer.send({ topic, acks: -1, messages: alerts.map((a) => ({ key: a.alert_id, value: codec.encode(a) })) });
  };
  const rows = async (query: string): Promise<Record<string, string>[]> => (await clickhouse.query({ query, format: 'JSONEachRow' })).json<Record<string, string>>();
  const audit = (entity: string): Promise<Record<string, string>[]> =>
    rows(`SELECT action, result, reason, dry_run, alert_id FROM ${DATABASE}.block_audit WHERE entity = '${entity}' ORDER BY ts, action`);
  const api = async (method: string, route: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${blockerUrl}/api/v1${route}`, {
      method, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-operator': 'it-test' },
    });
    return { status: res.status, body: await res.json() };
  };
  const metrics = async (): Promise<string> => (await fetch(`${blockerUrl}/metrics`)).text();
  const hookActions = (r: SampleReceiver, entity: string): string[] => r.actions.filter((a) => a.entity === entity).map((a) => a.action);
  const blocksAt = (r: SampleReceiver, entity: string): number => hookActions(r, entity).filter((a) => a === 'block' || a === 'divert').length;

  /** Every alert produced to `topic` has been handled (hooks, action topic, audit) and committed by `group`. */
  async function drained(topic: string, group: string): Promise<void> {
    await waitFor(`${group} to commit everything on ${topic}`, async () => {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const committedAt = (partition: number): number => Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      const ok = ends.every((e) => Number(e.high) === 0 || committedAt(e.partition) >= Number(e.high));
      return ok ? true : undefined;
    }, 60_000);
  }

  async function readTopic(topic: string): Promise<{ value: string; headers: Record<string, string> }[]> {
    const out: { value: string; headers: Record<string, string> }[] = [];
    const ends = await admin.fetchTopicOffsets(topic);
    const total = ends.reduce((n, e) => n + Number(e.high), 0);
    if (total === 0) return out;
    const consumer = kafka.consumer({ groupId: `it-reader-${RUN}-${randomBytes(3).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        out.push({ value: message.value?.toString('utf8') ?? '', headers });
      },
    });
    await waitFor(`${total} records of ${topic}`, async () => (out.length >= total ? true : undefined), 60_000).finally(() => consumer.disconnect());
    return out;
  }
  const journal = async (): Promise<BlockAction[]> => (await readTopic(TOPICS.actions)).map((r) => JSON.parse(r.value) as BlockAction);

  async function startBlocker(extra: Record<string, string> = {}): Promise<void> {
    const port = await freePort();
    blocker = ServiceProcess.start('blocker', 'services/blocker/dist/main.js', {
      ...env, SCHEMA_REGISTRY_URL: registryUrl, CLICKHOUSE_DATABASE: DATABASE, LOG_LEVEL: 'info',
      BLOCKER_HTTP_PORT: String(port), BLOCKER_GROUP_ID: `it-blocker-${RUN}`, BLOCKER_ALERT_TOPIC: TOPICS.alerts,
      BLOCKER_ACTION_TOPIC: TOPICS.actions, BLOCKER_DEAD_LETTER_TOPIC: TOPICS.dlq, BLOCKER_FROM_BEGINNING: 'true',
      BLOCKER_POLICY_FILE: path.join(workDir, 'policy.json'), BLOCKER_REFERENCE_DIR: path.join(workDir, 'reference'),
      BLOCKER_DRY_RUN: 'false', BLOCKER_WEBHOOK_URLS: `${r1.url},${r2.url}`, BLOCKER_WEBHOOK_SECRET: SECRET, BLOCKER_OPERATOR_TOKEN: TOKEN,
      BLOCKER_BREAKER_MAX_PER_MINUTE: String(BREAKER_MAX), BLOCKER_WEBHOOK_RETRY_INITIAL_MS: '200', BLOCKER_WEBHOOK_RETRY_MAX_MS: '1000',
      BLOCKER_WEBHOOK_MAX_ATTEMPTS: '40', BLOCKER_WEBHOOK_TIMEOUT_MS: '2000', BLOCKER_EXPIRY_CHECK_MS: '200', SHUTDOWN_TIMEOUT_MS: '15000', ...extra,
    });
    blockerUrl = `http://127.0.0.1:${port}`;
    await waitFor('the blocker to be ready', async () => ((await httpStatus(`${blockerUrl}/readyz`)) === 200 ? true : undefined), 90_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n${blocker?.log}`); });
  }

  beforeAll(async () => {
    const migrated = spawnSync('bash', [path.join(ROOT, 'infra/clickhouse/migrate.sh')], {
      env: { ...process.env, CLICKHOUSE_URL: env['CLICKHOUSE_URL'], CLICKHOUSE_DATABASE: DATABASE }, encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrate.sh failed: ${migrated.stderr}`);
    clickhouse = createClient({ url: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123' });
    for (const [topic, partitions] of [[TOPICS.alerts, 3], [TOPICS.dryAlerts, 3], [TOPICS.actions, 3], [TOPICS.dlq, 1]] as const) {
      const created = spawnSync('bash', [path.join(ROOT, 'infra/broker/ctl.sh'), 'create-topic', topic, String(partitions)], { env: { ...process.env, ...env }, encoding: 'utf8' });
      if (created.status !== 0) throw new Error(`create-topic ${topic} failed: ${created.stdout}${created.stderr}`);
    }
    if ((await httpStatus(`${registryUrl}/subjects`)) !== 200) {
      const port = await freePort();
      registryUrl = `http://127.0.0.1:${port}`;
      registry = ServiceProcess.start('schema-registry', 'services/schema-registry/dist/main.js', { ...env, SCHEMA_REGISTRY_PORT: String(port) });
      await waitFor('the schema registry', async () => ((await httpStatus(`${registryUrl}/subjects`)) === 200 ? true : undefined), 60_000);
    }
    codec = await AvroTopicCodec.create<Alert>(
      createRegistryClient({ schemaRegistryUrl: registryUrl, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined }),
      loadTopicSchema('fraud-alerts'), { logger: createLogger({ level: 'warn' }) },
    );
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();

    workDir = mkdtempSync(path.join(tmpdir(), `it-blocker-${RUN}-`));
    const policy = JSON.parse(readFileSync(path.join(ROOT, 'services/blocker/policy/default-policy.json'), 'utf8')) as { rules: unknown[] };
    policy.rules.unshift(
      { rule_id: 'it-mass-block', actions: { HIGH: 'block' } },
      { rule_id: 'it-short-block', actions: { HIGH: 'block' }, expiry: '6s', extend_min_step: '1s' },
    );
    writeFileSync(path.join(workDir, 'policy.json'), JSON.stringify(policy));
    spawnSync('mkdir', ['-p', path.join(workDir, 'reference')]);
    writeFileSync(path.join(workDir, 'reference', 'allowlist.csv'), `entity_type,entity,reason\ningress_trunk,${ALLOWLISTED},bank outbound call centre\n`);

    r1 = await SampleReceiver.start({ secret: SECRET });
    r2 = await SampleReceiver.start({ secret: SECRET, refuse: (a) => (a.entity === E('refused') ? 400 : undefined) });
    campaign = ispoofCampaign(trunk, ['+442079460001', '+442079460002']);
    await startBlocker();
  });

  afterAll(async () => {
    const code = await blocker?.stop();
    if (process.env['IT_SHOW_LOGS'] || code !== 0) console.log(blocker?.log);
    await registry?.stop();
    await Promise.all([r1?.stop(), r2?.stop()]);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await clickhouse?.command({ query: `DROP DATABASE IF EXISTS ${DATABASE}` }).catch(() => undefined);
    await clickhouse?.close();
  });

  it('an iSpoof-style campaign leads to exactly one block of its origin', async () => {
    expect(campaign.filter((a) => a.entity === trunk).length).toBeGreaterThan(3);
    await produce(TOPICS.alerts, campaign);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    for (const r of [r1, r2]) {
      expect(blocksAt(r, trunk)).toBe(1);
      expect(r.requests.filter((q) => q.status !== 200)).toEqual([]);
      for (const entity of new Set(campaign.map((a) => a.entity))) expect(blocksAt(r, entity)).toBeLessThanOrEqual(1);
    }
    const block = r1.actions.find((a) => a.entity === trunk);
    expect(block).toMatchObject({ action: 'block', entity_type: 'ingress_trunk', reason_code: 'new_block', announcement: null });
    expect(campaign.map((a) => a.alert_id)).toContain(block?.alert_id);
    expect((block?.expires_at ?? 0) - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect((await journal()).filter((a) => a.entity === trunk).map((a) => a.action)).toEqual(['block']);
    expect((await audit(trunk)).filter((r) => r.result === 'acted').map((r) => r.action)).toEqual(['block']);
    expect((await api('GET', '/blocks')).body.blocks.map((b: { entity: string }) => b.entity)).toContain(trunk);
  });

  it('duplicate and replayed alerts do not repeat it, not even after a restart', async () => {
    const before = r1.requests.length;
    await produce(TOPICS.alerts, [...campaign, ...campaign.slice(0, 5)]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(r1.requests.length).toBe(before);
    expect(await blocker?.stop()).toBe(0);
    await startBlocker();
    expect(blocker?.log).toMatch(/"msg":"active blocks rebuilt from the action topic"[^\n]*"active":3/);
    await produce(TOPICS.alerts, campaign);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(r1.requests.length).toBe(before);
    expect(blocksAt(r2, trunk)).toBe(1);
    expect((await journal()).filter((a) => a.entity === trunk).map((a) => a.action)).toEqual(['block']);
    const reasons = (await audit(trunk)).map((r) => `${r.action}/${r.result}/${String(r.reason).split(':')[0]}`);
    expect(reasons.filter((r) => r.endsWith('/acted/new_block'))).toEqual(['block/acted/new_block']);
    expect(reasons).toContain('block/skipped/duplicate_alert');
  });

  it('never blocks allowlisted origins, emergency numbers or victims', async () => {
    const now = Date.now();
    const alerts = [
      alert('allow', { entity: ALLOWLISTED, ts: now }),
      alert('sos1', { rule_id: 'dno-spoofed-cli-number', entity_type: 'calling_number', entity: '999', ts: now }),
      alert('sos2', { rule_id: 'dno-spoofed-cli-number', entity_type: 'calling_number', entity: '+44112', ts: now }),
      alert('victim', { rule_id: 'otp-after-suspicious-call', severity: 'CRITICAL', entity_type: 'called_number', entity: '+447700900777', ts: now }),
    ];
    await produce(TOPICS.alerts, [...alerts, ...alerts]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    for (const r of [r1, r2]) {
      for (const e of [ALLOWLISTED, '999', '+44112']) expect(hookActions(r, e)).toEqual([]);
      expect(hookActions(r, '+447700900777')).toEqual(['notify']);
    }
    expect((await audit(ALLOWLISTED)).map((r) => r.reason)).toEqual(['allowlisted', 'allowlisted']);
    expect(new Set((await audit('999')).map((r) => r.reason))).toEqual(new Set(['emergency_number']));
  });

  it('a receiver that is down and comes back still gets the action once', async () => {
    const entity = E('down-and-back');
    await r2.stop();
    await produce(TOPICS.alerts, [alert('down', { entity, ts: Date.now() })]);
    await waitFor('r1 to get the block', async () => (blocksAt(r1, entity) === 1 ? true : undefined));
    const target = new URL(r2.url).host;
    await waitFor('failed attempts at the receiver that is down', async () => {
      const m = new RegExp(`blocker_webhook_duration_seconds_count\\{[^}]*target="${target}"[^}]*outcome="retryable"[^}]*\\} (\\d+)`).exec(await metrics());
      return Number(m?.[1] ?? 0) >= 2 ? true : undefined;
    });
    await r2.restart();
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    const key = r1.actions.find((a) => a.entity === entity)?.idempotency_key;
    expect(r2.requests.filter((q) => q.idempotencyKey === key).map((q) => q.outcome)).toEqual(['applied']);
    expect(r1.requests.filter((q) => q.idempotencyKey === key).map((q) => q.outcome)).toEqual(['applied']);
    const [delivery] = await rows(`SELECT result, attempts, status FROM ${DATABASE}.block_deliveries WHERE idempotency_key = '${key}' AND target = '${target}'`);
    expect(delivery?.result).toBe('delivered');
    expect(Number(delivery?.attempts)).toBeGreaterThanOrEqual(3);
  });

  it('parks an action a receiver refuses on the dead-letter topic and audits it as failed', async () => {
    const entity = E('refused');
    await produce(TOPICS.alerts, [alert('refused', { entity, ts: Date.now() })]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(blocksAt(r1, entity)).toBe(1);
    const parked = await readTopic(TOPICS.dlq);
    expect(parked.map((p) => p.headers)).toEqual([expect.objectContaining({ 'dlq-reason': 'WEBHOOK_REJECTED', 'dlq-last-status': '400', 'dlq-attempts': '1', 'dlq-target': r2.url })]);
    expect(JSON.parse(parked[0]?.value ?? '{}')).toMatchObject({ action: 'block', entity });
    expect((await audit(entity)).map((r) => `${r.result}/${r.reason}`)).toEqual([`failed/new_block; not delivered to ${new URL(r2.url).host}`]);
  });

  it('a forged or stale signature is rejected by the sample verifier', async () => {
    const genuine = [...r1.requests].reverse().find((q) => q.outcome === 'applied');
    if (!genuine?.signature) throw new Error('no genuine request captured');
    const keys = [{ id: 'default', secret: SECRET }];
    const at: HookRequest = { targetId: r1.targetId, method: 'POST', path: new URL(r1.url).pathname };
    const sent = { signature: genuine.signature, keyIds: genuine.keyIds };
    expect(verifyHook(keys, at, sent, genuine.rawBody, 300_000, genuine.receivedAt)).toMatchObject({ ok: true });
    expect(verifyHook(keys, at, sent, genuine.rawBody.replace(/"entity":"[^"]*"/, '"entity":"gb-bank-01"'), 300_000, genuine.receivedAt)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHook([{ id: 'default', secret: 'someone-elses-secret-000' }], at, sent, genuine.rawBody, 300_000, genuine.receivedAt)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHook(keys, { ...at, targetId: r2.targetId }, sent, genuine.rawBody, 300_000, genuine.receivedAt)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyHook(keys, at, sent, genuine.rawBody, 300_000, genuine.receivedAt + 300_001)).toEqual({ ok: false, reason: 'stale' });

    const forged = genuine.rawBody.replace(/"action":"[a-z]+"/, '"action":"unblock"');
    const post = async (body: string, signed: { signature: string; keyIds: string }): Promise<number> => (await fetch(r1.url, {
      method: 'POST', body, headers: { 'x-telfraud-signature': signed.signature, 'x-telfraud-key-id': signed.keyIds, 'x-telfraud-idempotency-key': genuine.idempotencyKey ?? '' },
    })).status;
    const original = { signature: genuine.signature, keyIds: genuine.keyIds ?? '' };
    expect(await post(forged, original)).toBe(401);
    expect(await post(forged, signHook([{ id: 'default', secret: 'someone-elses-secret-000' }], at, forged, Date.now()))).toBe(401);
    expect(await post(genuine.rawBody, signHook(keys, at, genuine.rawBody, Date.now() - 10 * 60_000))).toBe(401);
    expect(await post(genuine.rawBody, original)).toBe(200); // a replay within the tolerance is only a duplicate
    expect(r1.requests.slice(-4).map((q) => q.outcome)).toEqual(['mismatch', 'mismatch', 'stale', 'duplicate']);
  });

  it('blocks expire and are lifted; a repeat alert extends a block instead of stacking one', async () => {
    const entity = E('short');
    // Expiry 6 s from the alert's time: the first alert is 3 s old, the second new, so it moves the expiry by 3 s (step 1 s).
    await produce(TOPICS.alerts, [alert('short-1', { rule_id: 'it-short-block', entity, ts: Date.now() - 3_000 })]);
    await waitFor('the short block', async () => (blocksAt(r1, entity) === 1 ? true : undefined));
    await produce(TOPICS.alerts, [alert('short-2', { rule_id: 'it-short-block', entity, ts: Date.now() })]);
    await waitFor('the lift', async () => (hookActions(r1, entity).includes('unblock') ? true : undefined), 30_000);
    expect(hookActions(r1, entity)).toEqual(['block', 'extend', 'unblock']);
    const [block, extend, unblock] = r1.requests.filter((q) => q.action?.entity === entity);
    expect(extend?.action?.expires_at).toBeGreaterThanOrEqual((block?.action?.expires_at ?? 0) + 1_000);
    expect(unblock?.action).toMatchObject({ reason_code: 'expired', block_epoch: block?.action?.block_epoch });
    expect(unblock?.receivedAt).toBeGreaterThanOrEqual(extend?.action?.expires_at ?? Infinity);
    expect((await api('GET', '/blocks')).body.blocks.map((b: { entity: string }) => b.entity)).not.toContain(entity);
    await waitFor('the lift audited', async () => ((await audit(entity)).some((r) => r.result === 'lifted') ? true : undefined));
    expect((await audit(entity)).map((r) => `${r.action}/${r.result}`)).toEqual(['block/acted', 'extend/extended', 'unblock/lifted']);
  });

  it('the operator API needs the token, lists and lifts blocks, pauses and resumes automation', async () => {
    expect((await api('GET', '/blocks', undefined, null)).status).toBe(401);
    expect((await api('GET', '/blocks', undefined, 'wrong-token-0123456789')).status).toBe(401);
    expect((await api('POST', '/blocks/lift', { entity_type: 'ingress_trunk', entity: trunk })).status).toBe(200);
    expect(hookActions(r1, trunk)).toEqual(['block', 'unblock']);
    expect(r1.actions.find((a) => a.entity === trunk && a.action === 'unblock')?.reason_code).toBe('operator');

    const entity = E('paused');
    expect((await api('POST', '/automation/pause')).body.status.paused).toBe(true);
    await produce(TOPICS.alerts, [alert('paused-1', { entity, ts: Date.now() })]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(hookActions(r1, entity)).toEqual([]);
    expect((await api('POST', '/automation/resume')).body.status.paused).toBe(false);
    await produce(TOPICS.alerts, [alert('paused-2', { entity, ts: Date.now() })]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(hookActions(r1, entity)).toEqual(['block']);
    expect((await audit(entity)).map((r) => `${r.result}/${String(r.reason).split(':')[0]}`)).toEqual(['skipped/paused', 'acted/new_block']);
    const operator = await rows(`SELECT action FROM ${DATABASE}.block_audit WHERE reason = 'operator: it-test' ORDER BY ts`);
    expect(operator.map((r) => r.action)).toEqual(['pause', 'resume']);
  });

  it('the breaker trips on a mass-blocking rule and blocks nothing further until reset', async () => {
    await api('POST', '/breaker/reset');
    const mass = Array.from({ length: BREAKER_MAX + 6 }, (_, i) => alert(`mass-${i}`, { rule_id: 'it-mass-block', entity: E(`mass-${i}`), ts: Date.now() }));
    await produce(TOPICS.alerts, mass);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    const blocked = mass.filter((a) => blocksAt(r1, a.entity) > 0);
    expect(blocked).toHaveLength(BREAKER_MAX);
    expect((await api('GET', '/status')).body.breaker).toMatchObject({ state: 'open', max_per_minute: BREAKER_MAX });
    expect(await metrics()).toMatch(/blocker_breaker_open\{[^}]*\} 1/);
    expect(blocker?.log).toContain('CIRCUIT BREAKER TRIPPED');

    const after = alert('after-trip', { entity: E('after-trip'), ts: Date.now() });
    await produce(TOPICS.alerts, [after]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(hookActions(r1, after.entity)).toEqual([]);
    expect((await audit(after.entity)).map((r) => String(r.reason).split(':')[0])).toEqual(['breaker_open']);

    expect((await api('POST', '/breaker/reset')).body.status.breaker.state).toBe('closed');
    const reset = alert('after-reset', { entity: E('after-reset'), ts: Date.now() });
    await produce(TOPICS.alerts, [reset]);
    await drained(TOPICS.alerts, `it-blocker-${RUN}`);
    expect(hookActions(r1, reset.entity)).toEqual(['block']);
    const text = await metrics();
    expect(text).toMatch(/blocker_actions_total\{[^}]*action="block"[^}]*result="acted"[^}]*\} [1-9]/);
    expect(text).toMatch(/blocker_active_blocks\{[^}]*action="block"[^}]*\} [1-9]/);
    expect(text).toMatch(/blocker_webhook_duration_seconds_bucket/);
    expect(text).toMatch(/blocker_breaker_trips_total\{[^}]*\} 1/);
  });

  it('dry-run blocks nothing but records all', async () => {
    expect(await blocker?.stop()).toBe(0);
    await startBlocker({ BLOCKER_DRY_RUN: 'true', BLOCKER_ALERT_TOPIC: TOPICS.dryAlerts, BLOCKER_GROUP_ID: `it-blocker-dry-${RUN}` });
    const requests = [r1.requests.length, r2.requests.length];
    const journalBefore = (await journal()).length;
    const dryTrunk = E('dry-trunk');
    const dryCampaign = ispoofCampaign(dryTrunk, ['+442079460101', '+442079460102']);
    await produce(TOPICS.dryAlerts, [...dryCampaign, alert('dry-allow', { entity: ALLOWLISTED, ts: Date.now() })]);
    await drained(TOPICS.dryAlerts, `it-blocker-dry-${RUN}`);
    expect([r1.requests.length, r2.requests.length]).toEqual(requests);
    expect((await journal()).length).toBe(journalBefore);
    const decided = await audit(dryTrunk);
    expect(decided.every((r) => Number(r.dry_run) === 1)).toBe(true);
    expect(decided.filter((r) => r.result === 'acted').map((r) => r.action)).toEqual(['block']);
    expect(decided.length).toBe(dryCampaign.filter((a) => a.entity === dryTrunk).length);
    expect((await audit(ALLOWLISTED)).filter((r) => Number(r.dry_run) === 1).map((r) => r.reason)).toEqual(['allowlisted']);
    expect((await api('GET', '/status')).body.dry_run).toBe(true);
    expect(await metrics()).toMatch(/blocker_dry_run\{[^}]*\} 1/);
  });

  it('stops on SIGTERM with exit 0', async () => {
    expect(await blocker?.stop(), blocker?.log).toBe(0);
  });
});

// ---------------------------------------------------------------- alerts

function alert(id: string, patch: Partial<Alert>): Alert {
  const ts = patch.ts ?? Date.now();
  return {
    alert_id: E(id), rule_id: 'dno-spoofed-cli-trunk', severity: 'HIGH', entity_type: 'ingress_trunk', entity: E(id),
    window_start: ts - 60_000, window_end: ts, ts, value: 5, threshold: 1, summary: 'integration test alert', evidence: [], ...patch,
  };
}

/**
 * The alerts the real detection core raises for an iSpoof-style campaign: one foreign trunk, callers
 * presenting a bank's Do-Not-Originate numbers, random callees, unattested, unanswered, 30 calls a
 * minute for four minutes ending now. Same alert ids arrive many times (updates, escalations).
 */
function ispoofCampaign(trunk: string, dnoNumbers: string[]): Alert[] {
  const dno = parseDnoCsv(`number,owner\n${dnoNumbers.map((n) => `${n},Bank`).join('\n')}\n`);
  const engine = new DetectionEngine(DEFAULT_RULE_PACK, { dno, allowlist: new Map(), network: { homeCountry: 'GB', homePrefixes: ['+44'], roamingPrefixes: ['+447'] } });
  const out = { alerts: [] as Alert[], victims: [] };
  const start = Date.now() - 4 * 60_000;
  for (let i = 0; i < 120; i++) {
    const at = start + i * 2_000;
    const base = {
      call_id: `${trunk}-c${i}`, calling_number: dnoNumbers[i % dnoNumbers.length] ?? '', called_number: `+4477009${String(i).padStart(5, '0')}`,
      ingress_trunk: trunk, ingress_country: 'NL', attestation: 'NONE' as const,
    };
    const events: CallEvent[] = [
      { ...base, event_id: `${base.call_id}/s`, type: 'START', ts: at, duration_ms: null, sip_code: null },
      { ...base, event_id: `${base.call_id}/e`, type: 'END', ts: at + 4_000, duration_ms: 0, sip_code: 487 },
    ];
    for (const e of events) engine.processCall(e, out);
  }
  return out.alerts;
}
