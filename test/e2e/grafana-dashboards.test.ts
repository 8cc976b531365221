/**
 * The Grafana dashboards as code (infra/grafana), checked against the real local stack without
 * Grafana (not installable here): every PromQL expression runs on the local Prometheus and selects
 * only metrics a service declares; every SQL query, expanded as Grafana and the ClickHouse plugin
 * expand it, runs on the local ClickHouse (a seeded fresh database and the stack's `fraud` database)
 * and answers the columns its panel expects. A dashboard cannot ship with a misspelt metric, column
 * or table.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createSinkMetrics } from '@telfraud/alert-sink';
import { createBlockerMetrics } from '@telfraud/blocker';
import { createDetectorMetrics } from '@telfraud/detector';
import { createRegistryMetrics, type SchemaStore } from '@telfraud/schema-registry';
import type { DetectionEngine } from '@telfraud/core';
import { Registry } from 'prom-client';
import { TestDatabase } from '../support/clickhouse-db.js';
import { freePort } from '../support/net.js';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { addScrapeTargets, promQuery } from '../support/prometheus.js';
import { ServiceProcess } from '../support/service-process.js';
import { waitFor } from '../support/wait-for.js';
import {
  SCRAPE_SERIES, TARGET_LABELS, declaredServiceMetrics, defaultProcessMetrics, legendLabels, promqlGroupingLabels, promqlMatcherLabels,
  promqlMetricNames, seriesNames,
} from '../support/exported-metrics.js';
import {
  expandClickHouseMacros, leftoverVariables, substituteVariables, type QueryTime, type VariableValue,
} from '../support/grafana-macros.js';
import { ROOT, requireStackEnv } from '../support/stack.js';

const env = requireStackEnv();
const PROMETHEUS = env['PROMETHEUS_URL'] ?? 'http://127.0.0.1:9090';
const CLICKHOUSE = env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123';
const STACK_DATABASE = env['CLICKHOUSE_DATABASE'] ?? 'fraud';
const GRAFANA_DIR = path.join(ROOT, 'infra/grafana');
const DASHBOARDS_DIR = path.join(GRAFANA_DIR, 'dashboards');

interface Target {
  refId: string; datasource?: DataSourceRef; expr?: string; legendFormat?: string; rawSql?: string;
  format?: number; range?: boolean; instant?: boolean;
}
interface DataSourceRef { type: string; uid: string }
interface Panel {
  id: number; type: string; title: string; datasource?: DataSourceRef;
  gridPos: { x: number; y: number; w: number; h: number }; targets?: Target[]; panels?: Panel[];
}
interface TemplateVariable {
  name: string; type: string; datasource?: DataSourceRef; query?: string | { query: string };
  includeAll?: boolean; allValue?: string | null; multi?: boolean;
}
interface Dashboard { uid: string; title: string; panels: Panel[]; templating?: { list: TemplateVariable[] } }
interface ProvisionedDataSource {
  name: string; uid: string; type: string; url?: string; jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, unknown>;
}

const dashboards: [file: string, dashboard: Dashboard][] = readdirSync(DASHBOARDS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, f), 'utf8')) as Dashboard]);

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = (d: Dashboard): Panel[] => allPanels(d.panels).filter((p) => (p.targets ?? []).length > 0);

function yamlFiles(dir: string): unknown[] {
  return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => parseYaml(readFileSync(path.join(dir, f), 'utf8')) as unknown);
}
const provisionedDataSources: ProvisionedDataSource[] = yamlFiles(path.join(GRAFANA_DIR, 'provisioning/datasources'))
  .flatMap((doc) => (doc as { datasources?: ProvisionedDataSource[] }).datasources ?? []);
const dashboardProviders = yamlFiles(path.join(GRAFANA_DIR, 'provisioning/dashboards'))
  .flatMap((doc) => (doc as { providers?: { type: string; options: { path: string } }[] }).providers ?? []);

// One time range for every query: the last hour, 60 s panel interval (what a 1 h panel a few hundred
// pixels wide gets). Seeded rows sit inside it, one row of each table outside it.
const NOW = Date.now();
const TIME: QueryTime = { fromMs: NOW - 3_600_000, toMs: NOW, intervalMs: 60_000 };

/**
 * The columns each SQL panel must answer, in order. A new SQL panel needs an entry here: what it shows
 * is then a decision, checked against ClickHouse.
 */
const EXPECTED_COLUMNS: Record<string, string[]> = {
  'Alerts in range': ['alerts', 'critical', 'victims'],
  'Alert severity mix': ['level', 'alerts'],
  'Alerts over time by rule': ['time', 'rule_id', 'alerts'],
  'Top origins': ['origin_type', 'origin', 'alerts', 'rules', 'max_severity', 'first_alert', 'victims'],
  'Victims per campaign': ['origin_type', 'origin', 'victims', 'exposures', 'alerts', 'longest_call_ms', 'first_exposure', 'last_exposure'],
  'Victim exposures over time': ['time', 'entity_type', 'exposures'],
  'Latest alerts': ['fired_at', 'rule_id', 'level', 'entity_type', 'entity', 'value', 'threshold', 'summary', 'alert_id'],
  'Blocker decisions over time': ['time', 'decision', 'decisions'],
  'Blocker decisions by action, result and reason': ['action', 'result', 'reason_code', 'dry_run', 'decisions', 'origins', 'last_decision'],
  'Webhook deliveries by target': ['target', 'result', 'deliveries', 'mean_attempts', 'slowest_ms', 'statuses'],
  'Triage state of the alerts in range': ['triage_status', 'verdict_given', 'alerts'],
  'Verdicts by rule (closed alerts)': ['rule_id', 'closed', 'true_positives', 'false_positives', 'benign', 'false_positive_share'],
};

// ------------------------------------------------------------------------------------------ helpers

/** The selections to try for each dashboard variable: "All" when offered, and one real value. */
async function variableSelections(d: Dashboard): Promise<Record<string, VariableValue>[]> {
  const vars = d.templating?.list ?? [];
  if (vars.length === 0) return [{}];
  const all: Record<string, VariableValue> = {};
  const one: Record<string, VariableValue> = {};
  for (const v of vars) {
    const values = await sampleValues(v);
    all[v.name] = v.includeAll ? { values, all: true, ...(v.allValue ? { allValue: v.allValue } : {}) } : { values: values.slice(0, 1) };
    one[v.name] = { values: values.slice(0, 1) };
  }
  return [all, one];
}

/** Values of a `label_values(metric, label)` variable from Prometheus; a placeholder when it has none yet. */
async function sampleValues(v: TemplateVariable): Promise<string[]> {
  const query = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
  const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*(\w+)\s*\)$/.exec(query);
  if (!m) throw new Error(`variable ${v.name}: only label_values(metric, label) queries are handled, got '${query}'`);
  const body = await getJson<{ data: string[] }>(`${PROMETHEUS}/api/v1/label/${m[2]}/values?match[]=${encodeURIComponent(m[1]!)}`);
  return body.data.length > 0 ? body.data : ['no-such-value'];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} from ${url.split('?')[0]}: ${text}`);
  return JSON.parse(text) as T;
}

interface ClickHouseAnswer { meta: { name: string; type: string }[]; data: Record<string, unknown>[] }

async function clickhouse(database: string, sql: string): Promise<ClickHouseAnswer> {
  const res = await fetch(`${CLICKHOUSE}/?database=${encodeURIComponent(database)}`, {
    method: 'POST', body: `${sql}\nFORMAT JSON`, signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text.trim()}\n--- query ---\n${sql}`);
  return JSON.parse(text) as ClickHouseAnswer;
}

function expandSql(sql: string, vars: Record<string, VariableValue>): string {
  return expandClickHouseMacros(substituteVariables(sql, vars, TIME, 'raw'), TIME);
}

// ------------------------------------------------------------------------------------------ tests

describe('Grafana provisioning files', () => {
  it('provision a Prometheus and an official-plugin ClickHouse data source with distinct uids, and a file provider for the dashboards', () => {
    const byUid = new Map(provisionedDataSources.map((ds) => [ds.uid, ds]));
    expect(byUid.size).toBe(provisionedDataSources.length);
    expect(provisionedDataSources.map((ds) => ds.type).sort()).toEqual(['grafana-clickhouse-datasource', 'prometheus']);
    expect(dashboardProviders.map((p) => p.type)).toEqual(['file']);
  });

  it('point at the local stack once Grafana expands their environment variables, and every variable is documented in the README', async () => {
    const ch = new URL(CLICKHOUSE);
    const grafanaEnv: Record<string, string> = {
      PROMETHEUS_URL: PROMETHEUS, CLICKHOUSE_HOST: ch.hostname, CLICKHOUSE_HTTP_PORT: ch.port || '8123', CLICKHOUSE_DATABASE: STACK_DATABASE,
      CLICKHOUSE_USER: '', CLICKHOUSE_PASSWORD: '', TELFRAUD_DASHBOARDS_DIR: DASHBOARDS_DIR,
    };
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const texts = ['datasources', 'dashboards'].flatMap((d) => {
      const dir = path.join(GRAFANA_DIR, 'provisioning', d);
      return readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'));
    });
    // Grafana expands $VAR and ${VAR} in provisioning files (comments included, harmlessly).
    const used = new Set(texts.flatMap((t) => [...t.replace(/^\s*#.*$/gm, '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g)].map((m) => m[1]!)));
    for (const name of used) {
      expect(grafanaEnv, `provisioning uses $${name}: give it a value here and document it`).toHaveProperty(name);
      expect(readme.includes(name), `README's Grafana section must name ${name}`).toBe(true);
    }
    const expand = (s: string): string => s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => grafanaEnv[n] ?? '');
    const expanded = texts.map((t) => parseYaml(expand(t)) as { datasources?: ProvisionedDataSource[]; providers?: { options: { path: string } }[] });

    const prom = expanded.flatMap((d) => d.datasources ?? []).find((ds) => ds.type === 'prometheus')!;
    expect((await fetch(`${prom.url}/-/ready`)).status).toBe(200);
    const chDs = expanded.flatMap((d) => d.datasources ?? []).find((ds) => ds.type === 'grafana-clickhouse-datasource')!;
    expect(chDs.jsonData?.['protocol']).toBe('http');
    const base = `http://${String(chDs.jsonData?.['host'])}:${String(chDs.jsonData?.['port'])}`;
    expect(await (await fetch(`${base}/ping`)).text()).toBe('Ok.\n');
    const dbs = await clickhouse('system', `SELECT name FROM databases WHERE name = '${String(chDs.jsonData?.['defaultDatabase'])}'`);
    expect(dbs.data).toHaveLength(1);
    const providerPath = expanded.flatMap((d) => d.providers ?? [])[0]!.options.path;
    expect(readdirSync(providerPath).filter((f) => f.endsWith('.json')).sort()).toEqual(dashboards.map(([f]) => f));
  });
});

describe.each(dashboards)('dashboard %s', (file, dashboard) => {
  it('is well formed: a uid, unique panel ids and refIds, panels inside the 24-column grid, data sources that are provisioned', () => {
    expect(dashboard.uid, file).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.title).toBeTruthy();
    const panels = allPanels(dashboard.panels);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
    const provisioned = new Map(provisionedDataSources.map((ds) => [ds.uid, ds.type]));
    for (const p of panels) {
      expect(p.gridPos.x + p.gridPos.w, `${p.title}: wider than the grid`).toBeLessThanOrEqual(24);
      expect(p.title, `panel ${p.id} has no title`).toBeTruthy();
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `${p.title}: duplicate refIds`).toBe(refIds.length);
      for (const ref of [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)].filter((r) => r !== undefined)) {
        expect(provisioned.get(ref.uid), `${p.title}: data source uid ${ref.uid} is not provisioned`).toBe(ref.type);
      }
      if ((p.targets ?? []).length > 0) expect(p.datasource, `${p.title}: no data source`).toBeDefined();
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (v.datasource) expect(provisioned.get(v.datasource.uid), `variable ${v.name}`).toBe(v.datasource.type);
    }
    expect(dashboards.filter(([, d]) => d.uid === dashboard.uid)).toHaveLength(1);
  });

  it('leaves no template variable or macro unexpanded', async () => {
    for (const vars of await variableSelections(dashboard)) {
      for (const p of queryPanels(dashboard)) {
        for (const t of p.targets!) {
          const text = t.expr !== undefined ? substituteVariables(t.expr, vars, TIME, 'prometheus') : expandSql(t.rawSql ?? '', vars);
          expect(leftoverVariables(text), `${p.title} ${t.refId}: ${text}`).toEqual([]);
        }
      }
    }
  });
});

const promDashboards = dashboards.filter(([, d]) => queryPanels(d).some((p) => p.datasource?.type === 'prometheus'));
const sqlDashboards = dashboards.filter(([, d]) => queryPanels(d).some((p) => p.datasource?.type === 'grafana-clickhouse-datasource'));

describe('the metrics the services export', () => {
  it('are read from the code: the scan finds every metric the service metric factories register', () => {
    const scanned = new Set(declaredServiceMetrics().map((m) => m.name));
    // One registry per factory: several services share a name (fraud_events_rejected_total).
    const factories: ((r: Registry) => unknown)[] = [
      (r) => createSinkMetrics(r),
      (r) => createBlockerMetrics(r, () => undefined),
      (r) => createDetectorMetrics(r, () => ({}) as DetectionEngine),
      (r) => createRegistryMetrics(r, {} as SchemaStore),
    ];
    const names = factories.flatMap((create) => {
      const registry = new Registry();
      create(registry);
      return registry.getMetricsAsArray().map((m) => (m as unknown as { name: string }).name);
    });
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !scanned.has(n))).toEqual([]);
  });
});

describe.each(promDashboards)('PromQL of %s', (_file, dashboard) => {
  /** Series name -> the label names its series can carry (several services may declare one name). */
  let known: Map<string, Set<string>>;

  beforeAll(async () => {
    known = new Map();
    for (const m of [...declaredServiceMetrics(), ...(await defaultProcessMetrics()), ...SCRAPE_SERIES]) {
      for (const s of seriesNames(m)) {
        const labels = known.get(s) ?? new Set(TARGET_LABELS);
        for (const l of m.labels) labels.add(l);
        if (s.endsWith('_bucket') && m.type === 'histogram') labels.add('le');
        known.set(s, labels);
      }
    }
  });

  it('selects only metrics a service declares (histogram series for quantiles)', () => {
    const unknown: string[] = [];
    for (const p of queryPanels(dashboard).filter((q) => q.datasource?.type === 'prometheus')) {
      for (const t of p.targets!) {
        const names = promqlMetricNames(t.expr ?? '');
        expect(names.length, `${p.title} ${t.refId} selects no metric: ${t.expr}`).toBeGreaterThan(0);
        unknown.push(...names.filter((n) => !known.has(n)).map((n) => `${p.title} ${t.refId}: ${n}`));
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      const q = typeof v.query === 'string' ? v.query : v.query?.query ?? '';
      const metric = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,/.exec(q)?.[1];
      if (metric && !known.has(metric)) unknown.push(`variable ${v.name}: ${metric}`);
    }
    expect(unknown, 'metrics no service exports (see services/*/src/*metrics*.ts)').toEqual([]);
  });

  it('groups, matches and names legends only by labels those metrics carry', () => {
    const wrong: string[] = [];
    for (const p of queryPanels(dashboard).filter((q) => q.datasource?.type === 'prometheus')) {
      for (const t of p.targets!) {
        const carried = new Set(promqlMetricNames(t.expr ?? '').flatMap((n) => [...(known.get(n) ?? [])]));
        const used = [...promqlGroupingLabels(t.expr ?? ''), ...promqlMatcherLabels(t.expr ?? ''), ...legendLabels(t.legendFormat)];
        wrong.push(...used.filter((l) => !carried.has(l)).map((l) => `${p.title} ${t.refId}: label ${l}`));
      }
    }
    expect(wrong, 'labels the selected metrics do not have').toEqual([]);
  });

  it('runs every expression on the local Prometheus (instant and range queries), for every variable selection', async () => {
    const failures: string[] = [];
    let ran = 0;
    for (const vars of await variableSelections(dashboard)) {
      for (const p of queryPanels(dashboard).filter((q) => q.datasource?.type === 'prometheus')) {
        for (const t of p.targets!) {
          const expr = substituteVariables(t.expr ?? '', vars, TIME, 'prometheus');
          const urls = [`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(expr)}&time=${TIME.toMs / 1000}`];
          if (t.range !== false) {
            urls.push(`${PROMETHEUS}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${TIME.fromMs / 1000}&end=${TIME.toMs / 1000}&step=${TIME.intervalMs / 1000}`);
          }
          for (const url of urls) {
            const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
            const body = (await res.json()) as { status: string; error?: string };
            ran++;
            if (res.status !== 200 || body.status !== 'success') failures.push(`${p.title} ${t.refId}: ${body.error ?? res.status} in ${expr}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThan(0);
  });
});

/**
 * Panels of the pipeline-health dashboard that must show data while a detector and an alert-sink
 * consume a generator's traffic (the others need alerts, failures, a blocker or time).
 */
const LIVE_PANELS = ['Service up', 'Events in per service', 'Consumer lag', 'Event-to-alert latency (detector)', 'Event-time lag (detector)', 'Resident memory', 'Event-loop lag p99'];

describe('the pipeline-health dashboard on a running pipeline', () => {
  const run = randomBytes(4).toString('hex');
  let harness: PipelineHarness | undefined;
  let generator: ServiceProcess | undefined;
  let removeTargets: () => void = () => {};
  const health = dashboards.find(([, d]) => d.uid === 'telfraud-pipeline-health')?.[1];

  beforeAll(async () => {
    harness = await PipelineHarness.start(run, env);
    const port = await freePort();
    removeTargets = addScrapeTargets(`${run}-gen`, [{ port, job: 'generator' }]);
    generator = ServiceProcess.start('generator', 'services/generator/dist/main.js', {
      ...env, GENERATOR_HTTP_PORT: String(port), GENERATOR_SEED: '5', GENERATOR_RATE: '40', GENERATOR_DURATION_S: '600',
      GENERATOR_CALL_TOPIC: harness.topics.calls, GENERATOR_SMS_TOPIC: harness.topics.sms, LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await generator?.stop();
    removeTargets();
    await harness?.stop();
  });

  it('shows series on the panels a consuming pipeline feeds', async () => {
    expect(health, 'the pipeline-health dashboard').toBeDefined();
    await waitFor('Prometheus to scrape the run\'s consumed events', async () => {
      const v = await promQuery(PROMETHEUS, `sum(rate(fraud_events_consumed_total{run="${run}"}[30s]))`);
      return v !== undefined && v > 0 ? v : undefined;
    }, 90_000).catch((err: Error) => { throw new Error(`${err.message}\n${harness?.logs() ?? ''}\n${generator?.log ?? ''}`); });
    const panels = allPanels(health!.panels);
    const all: Record<string, VariableValue> = { job: { values: [], all: true, allValue: '.+' } };
    const empty: string[] = [];
    for (const title of LIVE_PANELS) {
      const panel = panels.find((p) => p.title === title);
      expect(panel, title).toBeDefined();
      const now = Date.now();
      let series = 0;
      for (const t of panel!.targets!) {
        const expr = substituteVariables(t.expr!, all, { ...TIME, fromMs: now - 3_600_000, toMs: now }, 'prometheus');
        const body = await getJson<{ data: { result: unknown[] } }>(`${PROMETHEUS}/api/v1/query?query=${encodeURIComponent(expr)}&time=${now / 1000}`);
        series += body.data.result.length;
      }
      if (series === 0) empty.push(title);
    }
    expect(empty, 'panels without data on a running pipeline').toEqual([]);
  });
});

describe.each(sqlDashboards)('SQL of %s', (_file, dashboard) => {
  const db = `grafana_${randomBytes(4).toString('hex')}`;
  let seeded: TestDatabase;
  const sqlPanels = queryPanels(dashboard).filter((p) => p.datasource?.type === 'grafana-clickhouse-datasource');

  beforeAll(async () => {
    seeded = TestDatabase.create(CLICKHOUSE, db);
    await seed(seeded);
  });
  afterAll(async () => {
    await seeded?.drop();
  });

  it('declares the expected columns of every SQL panel in this test', () => {
    expect(sqlPanels.map((p) => p.title).filter((t) => !(t in EXPECTED_COLUMNS))).toEqual([]);
  });

  it.each([['a seeded database', () => db], ['the stack database', () => STACK_DATABASE]] as const)(
    'runs every query, expanded as the ClickHouse plugin does, on %s with the expected columns',
    async (_what, database) => {
      for (const vars of await variableSelections(dashboard)) {
        for (const p of sqlPanels) {
          for (const t of p.targets!) {
            const answer = await clickhouse(database(), expandSql(t.rawSql ?? '', vars));
            expect(answer.meta.map((c) => c.name), p.title).toEqual(EXPECTED_COLUMNS[p.title]);
            if (t.format === 0) {
              // The plugin's time series format: a DateTime `time` column, then labels and values.
              expect(answer.meta[0], `${p.title}: time series need a time column first`).toEqual({ name: 'time', type: 'DateTime' });
              expect(answer.meta.slice(1).some((c) => /^(U?Int|Float)/.test(c.type)), `${p.title}: no numeric value column`).toBe(true);
            }
            if (database() === db) expect(answer.data.length, `${p.title}: no rows from the seeded database`).toBeGreaterThan(0);
          }
        }
      }
    },
  );

  it('filters on the time range and reads the latest alert versions (FINAL)', async () => {
    const run = async (title: string): Promise<Record<string, unknown>[]> => {
      const p = sqlPanels.find((q) => q.title === title);
      expect(p, title).toBeDefined();
      return (await clickhouse(db, expandSql(p!.targets![0]!.rawSql!, {}))).data;
    };
    // Seeded: alert A (two versions, CRITICAL last) and B in range, C three hours before; two distinct
    // victims in range (one called twice), one before the range.
    expect(await run('Alerts in range')).toEqual([{ alerts: '2', critical: '1', victims: '2' }]);
    expect(await run('Alert severity mix')).toEqual([{ level: 'CRITICAL', alerts: '1' }, { level: 'MEDIUM', alerts: '1' }]);
    // Alert a was acknowledged, then closed as a true positive; b acknowledged only; c fired before the range.
    expect(await run('Triage state of the alerts in range')).toEqual([
      { triage_status: 'acknowledged', verdict_given: '-', alerts: '1' }, { triage_status: 'closed', verdict_given: 'true_positive', alerts: '1' },
    ]);
    expect(await run('Verdicts by rule (closed alerts)')).toEqual([
      { rule_id: 'dno-spoofed-cli-trunk', closed: '1', true_positives: '1', false_positives: '0', benign: '0', false_positive_share: 0 },
    ]);
  });
});

// ------------------------------------------------------------------------------------------ seed data

/** A few rows of each table, as the alert-sink and the blocker write them (UTC event_date, ms times). */
async function seed(db: TestDatabase): Promise<void> {
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const alert = (id: string, rule: string, severity: string, entityType: string, entity: string, ts: number, version: number) => ({
    alert_id: id, rule_id: rule, severity, entity_type: entityType, entity, window_start: ts - 60_000, window_end: ts, ts,
    value: 20 * version, threshold: 10, summary: `${rule} on ${entityType}`, evidence: ['call-1', 'call-2'], event_date: day(ts), version,
  });
  const inRange = NOW - 30 * 60_000;
  const before = NOW - 3 * 3_600_000;
  const insert = async (table: string, values: Record<string, unknown>[]): Promise<void> => {
    await db.client.insert({ table: `${db.name}.${table}`, values, format: 'JSONEachRow' });
  };
  // Two inserts of alert A: FINAL keeps the later version only.
  await insert('alerts', [alert('a', 'dno-spoofed-cli-trunk', 'HIGH', 'ingress_trunk', 'TRUNK-7', inRange, 1)]);
  await insert('alerts', [
    alert('a', 'dno-spoofed-cli-trunk', 'CRITICAL', 'ingress_trunk', 'TRUNK-7', inRange, 2),
    alert('b', 'high-velocity-caller', 'MEDIUM', 'calling_number', '+15550100', inRange + 60_000, 1),
    alert('c', 'high-velocity-caller', 'HIGH', 'calling_number', '+15550199', before, 1),
  ]);
  const exposure = (victim: string, call: string, ts: number) => ({
    victim_number: victim, entity_type: 'ingress_trunk', entity: 'TRUNK-7', alert_id: 'a', call_id: call, ts, duration_ms: 95_000, event_date: day(ts),
  });
  await insert('victim_exposures', [
    exposure('+15557000001', 'call-1', inRange), exposure('+15557000001', 'call-3', inRange + 1_000), exposure('+15557000002', 'call-2', inRange + 2_000),
    exposure('+15557000003', 'call-0', before),
  ]);
  const decision = (id: string, action: string, result: string, reason: string, ts: number) => ({
    decision_id: id, ts, action, result, reason, rule_id: 'dno-spoofed-cli-trunk', alert_id: 'a', entity_type: 'ingress_trunk', entity: 'TRUNK-7',
    expires_at: ts + 3_600_000, dry_run: 0, event_date: day(ts),
  });
  await insert('block_audit', [
    decision('d1', 'block', 'acted', 'policy:critical', inRange + 5_000), decision('d2', 'notify', 'skipped', 'duplicate_alert:a', inRange + 6_000),
    decision('d0', 'block', 'acted', 'policy:critical', before),
  ]);
  const triage = (id: string, alertId: string, ts: number, action: string, status: string, verdict: string) => ({
    event_id: id, alert_id: alertId, ts, actor: 'ana', role: 'analyst', action, status, assignee: '', verdict, comment: '', event_date: day(ts),
  });
  await insert('alert_triage', [
    triage('t1', 'a', inRange + 10_000, 'acknowledge', 'acknowledged', ''), triage('t2', 'a', inRange + 20_000, 'close', 'closed', 'true_positive'),
    triage('t3', 'b', inRange + 70_000, 'acknowledge', 'acknowledged', ''), triage('t4', 'c', before + 1_000, 'close', 'closed', 'false_positive'),
  ]);
  await insert('block_deliveries', [{
    delivery_id: 'x1', ts: inRange + 5_500, decision_id: 'd1', idempotency_key: 'k1', action: 'block', entity_type: 'ingress_trunk', entity: 'TRUNK-7',
    target: 'sbc.example', result: 'delivered', attempts: 2, status: 200, error: '', duration_ms: 40, event_date: day(inRange),
  }]);
}
