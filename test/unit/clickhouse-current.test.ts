/**
 * The current-server ClickHouse schema (infra/clickhouse/migrations-current, as migrate.sh expands
 * it) and every statement the services and the SOC's dashboards send, run on a current ClickHouse
 * embedded in the test (chdb). The alert-sink's, the blocker's and the SOC's real stores connect to
 * it over HTTP as to a server, write, and read back through the SOC's queries; the Grafana
 * dashboards' SQL runs expanded as the ClickHouse plugin expands it. The 18.16 schema is checked end
 * to end on the local stack (test/integration, test/e2e).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseActivityStore, ClickHouseAlertStore, toAlertRow, toVictimRow } from '@telfraud/alert-sink';
import { createClickHouseClient, createLogger, type ClickHouseConfig } from '@telfraud/common';
import type { Alert, VictimExposure } from '@telfraud/core';
import { SocStore, type AlertFilters } from '@telfraud/soc';
import { ClickHouseAuditStore } from '../../services/blocker/src/adapters/clickhouse-audit-writer.js';
import { makeDecision } from '../../services/blocker/src/core/decision.js';
import { EmbeddedClickHouse } from '../support/chdb-clickhouse.js';
import { expandClickHouseMacros, substituteVariables, type QueryTime } from '../support/grafana-macros.js';
import { ROOT } from '../support/stack.js';

function migrationStatements(env: Record<string, string>): string[] {
  const run = spawnSync('bash', [path.join(ROOT, 'infra/clickhouse/migrate.sh'), '--print'], {
    env: { ...process.env, CLICKHOUSE_SCHEMA: 'current', CLICKHOUSE_CLUSTER: '', CLICKHOUSE_DATABASE: 'fraud', ...env }, encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`migrate.sh --print failed: ${run.stderr}`);
  return run.stdout.split('\0').filter((s) => s.trim().length > 0);
}

const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);
const MIN = 60_000;
const logger = createLogger({ level: 'error' });

let ch: EmbeddedClickHouse;
beforeAll(async () => {
  ch = await EmbeddedClickHouse.start({ user: 'telfraud', password: 'ch-secret' });
});
afterAll(async () => {
  await ch?.stop();
});

describe('the current-server migrations', () => {
  it('create every table with DateTime64(3) times, LowCardinality labels, the analysts\' sort keys, a victim_number skip index and the victims\' TTL', () => {
    ch.query('CREATE DATABASE schema_check');
    for (const sql of migrationStatements({ CLICKHOUSE_DATABASE: 'schema_check', CLICKHOUSE_VICTIM_RETENTION_DAYS: '30' })) ch.query(sql, 'TabSeparated', 'schema_check');
    const type = (table: string, column: string): string | undefined =>
      ch.rows<{ type: string }>(`SELECT type FROM system.columns WHERE database = 'schema_check' AND table = '${table}' AND name = '${column}'`)[0]?.type;
    const tables = ch.rows<{ name: string; sorting_key: string; create_table_query: string }>(
      "SELECT name, sorting_key, create_table_query FROM system.tables WHERE database = 'schema_check' ORDER BY name",
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    expect([...byName.keys()].filter((n) => !n.startsWith('.inner'))).toEqual(
      ['alert_history', 'alert_triage', 'alerts', 'block_audit', 'block_deliveries', 'origin_activity', 'soc_audit', 'victim_exposures'],
    );
    for (const t of ['alerts', 'victim_exposures', 'block_audit', 'block_deliveries', 'alert_triage', 'soc_audit', 'origin_activity']) {
      expect(type(t, 'time'), t).toBe("DateTime64(3, 'UTC')");
    }
    expect(type('alerts', 'inserted_at')).toBe('DateTime64(3)');
    expect([type('alerts', 'rule_id'), type('alerts', 'entity_type'), type('block_audit', 'action'), type('block_audit', 'result'), type('block_deliveries', 'result')])
      .toEqual(Array(5).fill('LowCardinality(String)'));
    expect(byName.get('alerts')?.sorting_key).toBe('rule_id, entity_type, entity, time, alert_id');
    expect(byName.get('victim_exposures')?.sorting_key).toBe('entity_type, entity, time, alert_id, call_id, victim_number');
    const indexes = ch.rows<{ table: string; name: string; type: string; expr: string }>(
      "SELECT table, name, type, expr FROM system.data_skipping_indices WHERE database = 'schema_check' ORDER BY table, name",
    );
    expect(indexes).toContainEqual({ table: 'victim_exposures', name: 'victim_number_bloom', type: 'bloom_filter', expr: 'victim_number' });
    expect(byName.get('victim_exposures')?.create_table_query).toMatch(/TTL toDateTime\(time\) \+ toIntervalDay\(30\)/);
    ch.query('DROP DATABASE schema_check');
  });

  it('leave out the TTL when CLICKHOUSE_VICTIM_RETENTION_DAYS is 0', () => {
    const victims = migrationStatements({ CLICKHOUSE_VICTIM_RETENTION_DAYS: '0' }).find((s) => s.includes('victim_exposures'));
    expect(victims).toBeDefined();
    expect(victims).not.toMatch(/TTL/);
    expect(migrationStatements({}).find((s) => s.includes('victim_exposures'))).toMatch(/TTL toDateTime\(time\) \+ INTERVAL 90 DAY/);
  });

  it('have a cluster form whose every statement the current parser accepts and whose replicated tables are complete up to Keeper', () => {
    const statements = migrationStatements({ CLICKHOUSE_CLUSTER: 'telfraud', CLICKHOUSE_DATABASE: 'cluster_check' });
    const storage = statements.filter((s) => !s.includes('ENGINE = Distributed'));
    const distributed = statements.filter((s) => s.includes('ENGINE = Distributed'));
    expect(storage.map((s) => /^CREATE (TABLE|MATERIALIZED VIEW) IF NOT EXISTS (\w+) ON CLUSTER telfraud/.exec(s)?.[2])).toEqual(
      ['alerts_local', 'victim_exposures_local', 'block_audit_local', 'block_deliveries_local', 'alert_history_local', 'origin_activity_local', 'alert_triage_local', 'soc_audit_local'],
    );
    expect(storage.every((s) => /ENGINE = Replicated\w*MergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/\{table\}', '\{replica\}'/.test(s))).toBe(true);
    expect(distributed.map((s) => /Distributed\(telfraud, cluster_check, (\w+)_local, /.exec(s)?.[1])).toEqual(
      ['alerts', 'victim_exposures', 'block_audit', 'block_deliveries', 'alert_history', 'origin_activity', 'alert_triage', 'soc_audit'],
    );
    for (const s of statements) expect(() => ch.query(`SELECT formatQuery('${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`), s).not.toThrow();
    // The engine validates columns, keys, TTL and engine arguments before it needs Keeper: with the
    // cluster's macros given values, a table is refused only for want of Keeper.
    ch.query('CREATE DATABASE cluster_check');
    for (const s of storage) {
      const local = s.replace(' ON CLUSTER telfraud', '').replace('{shard}', '01').replace('{replica}', 'r1');
      let message = '';
      try {
        ch.query(local, 'TabSeparated', 'cluster_check');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, local).toMatch(/without ZooKeeper|NO_ZOOKEEPER/);
      // The same table unreplicated, for the statements after it that read it (the view).
      ch.query(local.replace(/Replicated(\w+)\('[^']*', '[^']*'(, )?/, '$1('), 'TabSeparated', 'cluster_check');
    }
    ch.query('DROP DATABASE cluster_check');
  });
});

describe('the services\' statements on the current schema', () => {
  const config: ClickHouseConfig = {
    clickhouseUrl: '', clickhouseDatabase: 'fraud', clickhouseUsername: 'telfraud', clickhousePassword: 'ch-secret', clickhouseRequestTimeoutMs: 10_000,
  };
  let soc: SocStore;
  const alert = (severity: Alert['severity'], windowEnd: number, evidence: string[]): Alert => ({
    alert_id: 'a-1', rule_id: 'cli_spoofing', severity, entity_type: 'ingress_trunk', entity: 'TRUNK-7', window_start: T0, window_end: windowEnd,
    ts: T0 + MIN, value: 12, threshold: 10, summary: 'spoofed caller IDs', evidence,
  });
  const other: Alert = { ...alert('LOW', T0 + 5 * MIN, ['call-9']), alert_id: 'a-2', rule_id: 'wangiri', entity: 'TRUNK-8', ts: T0 + 2 * MIN };
  const victim = (n: string, call: string, at: number): VictimExposure => ({
    victim_number: n, entity_type: 'ingress_trunk', entity: 'TRUNK-7', alert_id: 'a-1', call_id: call, ts: at, duration_ms: 90_000,
  });

  beforeAll(async () => {
    ch.query('CREATE DATABASE fraud');
    for (const sql of migrationStatements({})) ch.query(sql, 'TabSeparated', 'fraud');
    const cfg = { ...config, clickhouseUrl: ch.url };
    const sink = ClickHouseAlertStore.create(cfg, logger);
    const now = T0 + 10 * MIN;
    // An escalation (two versions of a-1), written twice as a replay would; and another alert.
    for (let i = 0; i < 2; i++) {
      await sink.insertAlerts([toAlertRow(alert('MEDIUM', T0 + 3 * MIN, ['call-1']), now), toAlertRow(alert('HIGH', T0 + 4 * MIN, ['call-1', 'call-2']), now), toAlertRow(other, now)]);
      await sink.insertVictims([toVictimRow(victim('+15550000001', 'call-1', T0 + MIN), now), toVictimRow(victim('+15550000002', 'call-2', T0 + 2 * MIN), now)]);
    }
    await sink.close();
    const activity = ClickHouseActivityStore.create(cfg, logger);
    await activity.insertActivity([
      { entity_type: 'ingress_trunk', entity: 'TRUNK-7', minute: T0, attempts: 5, answered: 2 },
      { entity_type: 'ingress_trunk', entity: 'TRUNK-7', minute: T0, attempts: 3, answered: 1 },
    ]);
    await activity.close();
    const audit = ClickHouseAuditStore.create(cfg, logger, () => now);
    const decision = makeDecision(0, {
      ts: T0 + 5 * MIN, action: 'block', result: 'acted', reason: 'policy', rule_id: 'cli_spoofing', alert_id: 'a-1',
      entity_type: 'ingress_trunk', entity: 'TRUNK-7', expires_at: T0 + 65 * MIN, dry_run: false,
    });
    const delivery = {
      delivery_id: 'd-1', ts: T0 + 5 * MIN + 200, decision_id: decision.decision_id, idempotency_key: 'tf-1', action: 'block', entity_type: 'ingress_trunk',
      entity: 'TRUNK-7', target: 'sbc', result: 'delivered' as const, attempts: 1, status: 200, error: '', duration_ms: 200,
    };
    await audit.write([decision], [delivery]);
    await audit.write([decision], [delivery]);
    await audit.close();
    soc = new SocStore(createClickHouseClient(cfg, logger, 'telfraud-soc'), 'fraud', () => now);
  });
  afterAll(async () => {
    await soc?.close();
  });

  const filters = (over: Partial<AlertFilters> = {}): AlertFilters => ({
    rules: [], severities: [], statuses: [], entity: undefined, entityType: undefined,
    from: T0 - 60 * MIN, to: T0 + 60 * MIN, limit: 50, cursor: undefined, ...over,
  });

  it('carry the configured ClickHouse user and password (a wrong password is refused)', async () => {
    const wrong = new SocStore(createClickHouseClient({ ...config, clickhouseUrl: ch.url, clickhousePassword: 'nope' }, logger, 'telfraud-soc'), 'fraud');
    await expect(wrong.rules()).rejects.toThrow(/Authentication failed/);
    expect(await wrong.ping()).toBe(false);
    await wrong.close();
    expect(await soc.ping()).toBe(true);
  });

  it('are stored with the DateTime64 time derived from ts', () => {
    expect(ch.rows("SELECT toString(time) AS t, toUnixTimestamp64Milli(time) AS ms FROM fraud.alerts FINAL WHERE alert_id = 'a-1'")).toEqual([
      { t: '2026-11-30 10:01:00.000', ms: T0 + MIN },
    ]);
  });

  it('list the queue: the latest version of each alert, filtered and paged', async () => {
    expect(await soc.missingTables()).toEqual([]);
    expect(await soc.rules()).toEqual(['cli_spoofing', 'wangiri']);
    const all = await soc.listAlerts(filters());
    expect(all.alerts.map((a) => [a.alert_id, a.severity, a.victims, a.status])).toEqual([['a-2', 'LOW', 0, 'open'], ['a-1', 'HIGH', 2, 'open']]);
    expect((await soc.listAlerts(filters({ rules: ['cli_spoofing'], severities: ['HIGH'], entity: 'TRUNK-7', entityType: 'ingress_trunk' }))).alerts.map((a) => a.alert_id)).toEqual(['a-1']);
    const page = await soc.listAlerts(filters({ limit: 1 }));
    expect([page.alerts.map((a) => a.alert_id), page.more]).toEqual([['a-2'], true]);
    const next = await soc.listAlerts(filters({ limit: 1, cursor: { ts: page.alerts[0]!.ts, alertId: 'a-2' } }));
    expect(next.alerts.map((a) => a.alert_id)).toEqual(['a-1']);
    expect((await soc.listAlerts(filters({ from: T0 + 90 * MIN, to: T0 + 120 * MIN }))).alerts).toEqual([]);
  });

  it('show an alert\'s detail: escalations, activity, victims, related alerts, blocks and deliveries', async () => {
    const d = await soc.alertDetail('a-1');
    expect(d?.alert.evidence).toEqual(['call-1', 'call-2']);
    expect(d?.escalations.map((e) => e.severity)).toEqual(['MEDIUM', 'HIGH']);
    expect(d?.activity.minutes).toEqual([{ minute: T0, attempts: 8, answered: 3 }]);
    expect(d?.victims.map((v) => v.victim_number)).toEqual(['+15550000001', '+15550000002']);
    expect(d?.related).toEqual([]);
    expect(d?.blocks.map((b) => [b.action, b.result, b.deliveries.map((x) => [x.target, x.status])])).toEqual([['block', 'acted', [['sbc', 200]]]]);
    expect(await soc.campaignIds('a-1')).toEqual(['a-1']);
    expect(await soc.alertDetail('nope')).toBeUndefined();
  });

  it('triage, audit, verdicts and the change feed', async () => {
    const since = await soc.serverNowSeconds();
    const by = { name: 'ana', role: 'analyst' as const };
    await soc.appendTriage('a-1', { status: 'closed', assignee: 'ana', verdict: 'true_positive', comment: 'confirmed', ts: T0 + 20 * MIN, actor: 'ana' }, 'close', by);
    await soc.audit({ actor: by, action: 'export_victims', target: 'a-1', format: 'csv', rows: 2, detail: { limit: 10 } });
    expect((await soc.triageHistory('a-1')).map((e) => [e.action, e.status])).toEqual([['close', 'closed']]);
    expect((await soc.listAlerts(filters({ statuses: ['closed'] }))).alerts.map((a) => a.alert_id)).toEqual(['a-1']);
    expect((await soc.verdicts(T0 - MIN, T0 + 60 * MIN)).map((v) => [v.alert_id, v.verdict, v.closed_by])).toEqual([['a-1', 'true_positive', 'ana']]);
    expect((await soc.changedSince(since - 1, 10)).ids).toContain('a-1');
    expect(ch.rows('SELECT action, rows FROM fraud.soc_audit')).toEqual([{ action: 'export_victims', rows: 2 }]);
    expect(await soc.alertExists('a-1')).toBe(true);
  });

  it('run every SQL panel of the Grafana dashboards, expanded as the ClickHouse plugin does', () => {
    const t: QueryTime = { fromMs: T0 - 60 * MIN, toMs: T0 + 60 * MIN, intervalMs: 60_000 };
    let ran = 0;
    for (const file of ['fraud.json', 'pipeline-health.json']) {
      const dashboard = JSON.parse(readFileSync(path.join(ROOT, 'infra/grafana/dashboards', file), 'utf8')) as {
        panels: { title: string; targets?: { rawSql?: string }[] }[];
      };
      for (const p of dashboard.panels) {
        for (const target of p.targets ?? []) {
          if (target.rawSql === undefined) continue;
          const sql = expandClickHouseMacros(substituteVariables(target.rawSql, {}, t, 'raw'), t);
          expect(() => ch.query(sql, 'JSON', 'fraud'), `${file}: ${p.title}`).not.toThrow();
          ran++;
        }
      }
    }
    expect(ran).toBeGreaterThan(5);
  });
});
