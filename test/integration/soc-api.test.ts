/**
 * The soc service (services/soc) as a process against the real local stack: a fresh ClickHouse
 * 18.16 database migrated by the project's migrations and filled with a small campaign, a real
 * blocker process (its operator API lifts the block), and the SOC API over HTTP. Checks every
 * endpoint of the SOC design, sends SQL injection attempts through every filter and path parameter
 * (each must be a correct empty answer or a 400, and the tables must be intact afterwards), reads
 * the live stream, and stops the service with a stream open. Start the stack with
 * `bash infra/scripts/up.sh` and build with `npm run -s build`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlString, utcDate, utcDateTime } from '@telfraud/common';
import { readLabelFile } from '../../services/detector/src/replay/label-file.js';
import { BlockerRun, testAlert } from '../support/blocker-run.js';
import { TestDatabase } from '../support/clickhouse-db.js';
import { freePort, httpStatus } from '../support/net.js';
import { ServiceProcess } from '../support/service-process.js';
import { readStackEnv, ROOT } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const stackEnv = readStackEnv(path.join(ROOT, '.data/env'));
const RUN = randomBytes(4).toString('hex');
const TOKENS = { viewer: `viewer-${RUN}-0123456789`, analyst: `analyst-${RUN}-0123456789`, operator: `operator-${RUN}-0123456789` };
const OPERATOR_TOKEN = `blocker-op-${RUN}-0123456789`;
const HOUR = 3_600_000;
const BASE = Date.now() - HOUR;
const id = (s: string): string => `${RUN}-${s}`;
const A1 = id('a1');
const A2 = id('a2');
const A3 = id('a3');
const A4 = id('a4');
const A5 = id('a5');
const NASTY_ENTITY = "it's \\ tricky\n'; DROP TABLE alerts; --";
const CALLER = '+31201110001';
const VICTIMS = ['+31600000001', '+31600000002', '+31600000003'] as const;
const FILLERS = 120;

if (!stackEnv) console.warn('soc API integration test skipped: no .data/env (run `bash infra/scripts/up.sh` first)');

/** Injection attempts: quotes, escapes, comments, stacked statements, NUL, line breaks, look-alike quotes, over-long values. */
const INJECTIONS = [
  "'", '\\', "\\'", "' OR '1'='1", "' OR 1=1 --", "x' UNION ALL SELECT name FROM system.tables --", "'; DROP TABLE alerts; --",
  "') OR ('1'='1", '1) OR (1=1', '1 OR 1=1', '\0', "a\0' OR 1=1 --", 'a\nb', '\\x27 OR 1=1 --', '%27', '😀\' OR 1=1 --', 'ʼ OR 1=1 --',
  "HIGH' OR '1'='1", 'HIGH,LOW\' OR 1=1', `${'x'.repeat(300)}'`, '{x:String}', '$1', '*/ OR 1=1 /*',
];

type Json = any;

describe.skipIf(!stackEnv)('soc API on the local stack', () => {
  const env = stackEnv ?? {};
  let db: TestDatabase;
  let blocker: BlockerRun;
  let soc: ServiceProcess;
  let base = '';
  let fixtureAlerts = 0;

  const insert = async (table: string, rows: Record<string, unknown>[]): Promise<void> => {
    await db.client.insert({ table: `${db.name}.${table}`, values: rows.map((r) => ({ ...r, event_date: utcDate(Number(r['ts'] ?? r['minute'])), ...(table === 'origin_activity' ? {} : { inserted_at: utcDateTime(Date.now()) }) })), format: 'JSONEachRow' });
  };
  const alertRow = (alertId: string, patch: Record<string, unknown>): Record<string, unknown> => ({
    alert_id: alertId, rule_id: 'dno-spoofed-cli-trunk', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 'trunk-A',
    window_start: BASE - 60_000, window_end: BASE, ts: BASE, value: 5, threshold: 1, summary: 'test alert', evidence: [], version: 1, ...patch,
  });
  const api = async (
    route: string, init: { method?: string; body?: unknown; token?: string | null } = {},
  ): Promise<{ status: number; body: Json; text: string; headers: Headers }> => {
    const token = init.token === undefined ? TOKENS.analyst : init.token;
    const res = await fetch(`${base}${route}`, {
      method: init.method ?? 'GET',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let body: Json;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  };
  const alertsQuery = (params: Record<string, string>): string => `/api/v1/alerts?${new URLSearchParams(params).toString()}`;
  const audit = (action: string): Promise<Record<string, string>[]> =>
    db.rows(`SELECT actor, role, action, target, format, rows, detail FROM ${db.name}.soc_audit WHERE action = ${sqlString(action)} ORDER BY ts`);

  beforeAll(async () => {
    db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `it_soc_${RUN}`);
    // A campaign: a DNO trunk alert that escalated (two versions), a spoofed caller ID sharing a
    // victim call with it, a second rule on the same trunk, an alert on a hostile-looking entity,
    // one far away in time, and fillers for paging (pairs share a ts, so the tie-break on alert_id counts).
    await insert('alerts', [
      alertRow(A1, { severity: 'HIGH', version: 1, evidence: ['call-1', 'call-2'] }),
      alertRow(A1, { severity: 'CRITICAL', version: 2, window_end: BASE + 1_000, value: 12, evidence: ['call-1', 'call-2', 'call-3'] }),
    ]);
    await insert('alerts', [
      alertRow(A2, { rule_id: 'spoofing-campaign-cli', severity: 'MEDIUM', entity_type: 'calling_number', entity: CALLER, ts: BASE + 1_000, evidence: ['call-9'] }),
      alertRow(A3, { severity: 'LOW', entity: NASTY_ENTITY, ts: BASE + 2_000 }),
      alertRow(A4, { rule_id: 'cli-rotation-trunk', ts: BASE + 3_000 }),
      alertRow(A5, { rule_id: 'range-dialling-trunk', severity: 'LOW', entity: 'trunk-Z', ts: BASE - 48 * HOUR }),
      ...Array.from({ length: FILLERS }, (_, i) => alertRow(id(`filler-${String(i).padStart(3, '0')}`), {
        rule_id: 'filler-rule', severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4], entity: `filler-trunk-${i}`, ts: BASE - 10_000 - Math.floor(i / 2) * 10,
      })),
    ]);
    fixtureAlerts = 5 + FILLERS;
    await insert('victim_exposures', [
      { victim_number: VICTIMS[0], entity_type: 'ingress_trunk', entity: 'trunk-A', alert_id: A1, call_id: 'call-1', ts: BASE + 10, duration_ms: 70_000 },
      { victim_number: VICTIMS[1], entity_type: 'ingress_trunk', entity: 'trunk-A', alert_id: A1, call_id: 'call-2', ts: BASE + 20, duration_ms: 90_000 },
      { victim_number: VICTIMS[0], entity_type: 'ingress_trunk', entity: 'trunk-A', alert_id: A1, call_id: 'call-3', ts: BASE + 30, duration_ms: 120_000 },
      { victim_number: VICTIMS[0], entity_type: 'calling_number', entity: CALLER, alert_id: A2, call_id: 'call-1', ts: BASE + 10, duration_ms: 70_000 },
      { victim_number: VICTIMS[2], entity_type: 'calling_number', entity: CALLER, alert_id: A2, call_id: 'call-4', ts: BASE + 40, duration_ms: 65_000 },
    ]);
    await insert('block_audit', [{
      decision_id: id('d1'), ts: BASE + 500, action: 'block', result: 'delivered', reason: 'policy', rule_id: 'dno-spoofed-cli-trunk', alert_id: A1,
      entity_type: 'ingress_trunk', entity: 'trunk-A', expires_at: BASE + 24 * HOUR, dry_run: 0,
    }]);
    await insert('block_deliveries', [{
      delivery_id: id('v1'), ts: BASE + 600, decision_id: id('d1'), idempotency_key: 'k', action: 'block', entity_type: 'ingress_trunk', entity: 'trunk-A',
      target: 'http://sbc.example/hook', result: 'delivered', attempts: 2, status: 200, error: '', duration_ms: 15,
    }]);
    await insert('origin_activity', [-2, -1, 0, 1].map((m) => ({
      entity_type: 'ingress_trunk', entity: 'trunk-A', minute: Math.floor(BASE / 60_000) * 60_000 + m * 60_000, attempts: 20 + m, answered: 10,
    })));

    blocker = await BlockerRun.open(`soc-${RUN}`, env);
    await blocker.start({ BLOCKER_OPERATOR_TOKEN: OPERATOR_TOKEN });

    const consoleDir = path.join(mkdtempSync(path.join(tmpdir(), 'soc-it-')), 'console');
    mkdirSync(consoleDir, { recursive: true });
    writeFileSync(path.join(consoleDir, 'index.html'), `<!doctype html><title>console ${RUN}</title>`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    soc = ServiceProcess.start('soc', 'services/soc/dist/main.js', {
      CLICKHOUSE_URL: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', CLICKHOUSE_DATABASE: db.name, SOC_HTTP_PORT: String(port), LOG_LEVEL: 'info',
      SOC_TOKENS: `ann:viewer:${TOKENS.viewer},bob:analyst:${TOKENS.analyst},cy:operator:${TOKENS.operator}`,
      SOC_BLOCKER_URL: `http://127.0.0.1:${blocker.port}`, SOC_BLOCKER_OPERATOR_TOKEN: OPERATOR_TOKEN, SOC_CONSOLE_DIR: consoleDir, SOC_POLL_MS: '200',
    });
    await waitFor('the soc service to be ready', async () => ((await httpStatus(`${base}/readyz`)) === 200 ? true : undefined), 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}\n--- soc log ---\n${soc.log}`); });
  });

  afterAll(async () => {
    await soc?.stop();
    await blocker?.close();
    await db?.drop();
  });

  it('ClickHouse 18.16 reads back exactly what sqlString quoted', async () => {
    const values = [...INJECTIONS, NASTY_ENTITY, 'é€😀 漢字', '\u2028', '\x7f\x1b', 'x'.repeat(100_000), Array.from({ length: 0x800 }, (_, c) => String.fromCharCode(c)).join('')];
    for (const v of values) {
      const [row] = await db.rows<{ v: string; n: string }>(`SELECT ${sqlString(v)} AS v, 1 AS n`);
      expect(row?.v, JSON.stringify(v).slice(0, 80)).toBe(v);
    }
  });

  it('asks for a token of a high enough role on every /api/ route; health, metrics and the console need none', async () => {
    expect((await api('/api/v1/me', { token: null })).status).toBe(401);
    const wrong = await api('/api/v1/me', { token: `${TOKENS.viewer}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error_code: 401, message: 'missing or wrong bearer token' });
    expect((await api('/api/v1/alerts/stream', { token: null })).status).toBe(401);
    expect((await api('/api/v1/me', { token: TOKENS.viewer })).body).toEqual({ name: 'ann', role: 'viewer' });
    expect((await api('/api/v1/me', { token: TOKENS.operator })).body).toEqual({ name: 'cy', role: 'operator' });
    for (const [route, method] of [[`/api/v1/alerts/${A1}/triage`, 'POST'], [`/api/v1/alerts/${A1}/victims.csv`, 'GET'], [`/api/v1/campaigns/${A1}/victims.ndjson`, 'GET'], ['/api/v1/verdicts/labels.csv', 'GET'], ['/api/v1/blocks/lift', 'POST']] as const) {
      const r = await api(route, { method, token: TOKENS.viewer, ...(method === 'POST' ? { body: { action: 'acknowledge' } } : {}) });
      expect(r.status, route).toBe(403);
      expect(r.body.error_code).toBe(403);
    }
    expect((await api('/api/v1/blocks/lift', { method: 'POST', token: TOKENS.analyst, body: { entity_type: 'ingress_trunk', entity: 'trunk-A' } })).status).toBe(403);
    expect((await api('/api/v1/nothing')).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('soc_api_requests_total');
    const index = await fetch(`${base}/`);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain(`console ${RUN}`);
    expect((await fetch(`${base}/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('lists rules with alerts and the queue newest first, with every filter', async () => {
    expect((await api('/api/v1/rules', { token: TOKENS.viewer })).body.rules).toEqual(
      ['cli-rotation-trunk', 'dno-spoofed-cli-trunk', 'filler-rule', 'range-dialling-trunk', 'spoofing-campaign-cli'],
    );
    const top = await api(alertsQuery({ limit: '4' }), { token: TOKENS.viewer });
    expect(top.status).toBe(200);
    expect(top.body.alerts.map((a: Json) => a.alert_id)).toEqual([A4, A3, A2, A1]);
    const a1 = top.body.alerts[3];
    expect(a1).toEqual({
      alert_id: A1, rule_id: 'dno-spoofed-cli-trunk', severity: 'CRITICAL', entity_type: 'ingress_trunk', entity: 'trunk-A', window_start: BASE - 60_000,
      window_end: BASE + 1_000, ts: BASE, value: 12, threshold: 1, summary: 'test alert', version: 2, status: 'open', assignee: null, verdict: null, triaged_at: null, victims: 2,
    });
    const ids = async (params: Record<string, string>): Promise<string[]> => {
      const r = await api(alertsQuery({ limit: '500', ...params }));
      expect(r.status, JSON.stringify(params)).toBe(200);
      return r.body.alerts.map((a: Json) => a.alert_id).filter((x: string) => !x.includes('filler'));
    };
    expect(await ids({ rule: 'dno-spoofed-cli-trunk' })).toEqual([A3, A1]);
    expect(await ids({ rule: 'spoofing-campaign-cli,cli-rotation-trunk' })).toEqual([A4, A2]);
    expect(await ids({ severity: 'LOW' })).toEqual([A3, A5]);
    expect((await api(`/api/v1/alerts?severity=CRITICAL&severity=MEDIUM&rule=dno-spoofed-cli-trunk&rule=spoofing-campaign-cli`)).body.alerts.map((a: Json) => a.alert_id)).toEqual([A2, A1]);
    expect(await ids({ entity: NASTY_ENTITY })).toEqual([A3]);
    expect(await ids({ entity: CALLER, entity_type: 'calling_number' })).toEqual([A2]);
    expect(await ids({ entity_type: 'calling_number' })).toEqual([A2]);
    expect(await ids({ from: String(BASE + 1_000), to: String(BASE + 2_000) })).toEqual([A3, A2]);
    expect(await ids({ status: 'closed' })).toEqual([]);
    expect((await api(alertsQuery({ severity: 'SEVERE' }))).body).toEqual({ error_code: 400, message: 'bad parameter severity: expected one or more of LOW, MEDIUM, HIGH, CRITICAL' });
    for (const bad of [{ limit: '0' }, { limit: '501' }, { from: 'yesterday' }, { status: 'pending' }, { cursor: 'nope!' }] as Record<string, string>[]) {
      const r = await api(alertsQuery(bad));
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.message).toContain(Object.keys(bad)[0]);
    }
  });

  it('pages through the whole queue with the cursor: every alert once, in order', async () => {
    const seen: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Json } = await api(alertsQuery({ limit: '7', ...(cursor ? { cursor } : {}) }), { token: TOKENS.viewer });
      expect(page.status).toBe(200);
      expect(page.body.alerts.length).toBeLessThanOrEqual(7);
      seen.push(...page.body.alerts);
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toHaveLength(fixtureAlerts);
    expect(new Set(seen.map((a) => a.alert_id)).size).toBe(fixtureAlerts);
    const order = seen.map((a) => [a.ts, a.alert_id] as const);
    const sorted = [...order].sort((x, y) => y[0] - x[0] || (x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0));
    expect(order).toEqual(sorted);
  });

  it('answers injection attempts through every filter and path parameter with a correct empty answer or a 400, and the tables stay intact', async () => {
    const statuses = new Map<string, number>();
    for (const payload of INJECTIONS) {
      for (const param of ['rule', 'severity', 'status', 'entity', 'entity_type', 'from', 'to', 'limit', 'cursor']) {
        const r = await api(alertsQuery({ [param]: payload }));
        statuses.set(`${param}:${r.status}`, (statuses.get(`${param}:${r.status}`) ?? 0) + 1);
        expect([200, 400], `${param}=${JSON.stringify(payload)}: ${r.text.slice(0, 200)}`).toContain(r.status);
        if (r.status === 200) expect(r.body.alerts, `${param}=${JSON.stringify(payload)}`).toEqual([]);
        else expect(r.body.message).toContain(param);
      }
      const enc = encodeURIComponent(payload);
      for (const [route, method] of [[`/api/v1/alerts/${enc}`, 'GET'], [`/api/v1/alerts/${enc}/triage`, 'POST'], [`/api/v1/alerts/${enc}/victims.csv`, 'GET'], [`/api/v1/campaigns/${enc}/victims.ndjson`, 'GET']] as const) {
        const r = await api(route, { method, ...(method === 'POST' ? { body: { action: 'comment', comment: payload } } : {}) });
        expect([400, 404], `${method} ${route}: ${r.text.slice(0, 200)}`).toContain(r.status);
      }
      for (const param of ['from', 'to']) expect((await api(`/api/v1/verdicts/labels.csv?${param}=${enc}`)).status).toBe(400);
    }
    // Free-text filters must have been answered (200, empty), not merely refused.
    for (const param of ['rule', 'entity', 'entity_type']) expect(statuses.get(`${param}:200`), param).toBeGreaterThan(INJECTIONS.length - 3);
    const tables = await db.rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = ${sqlString(db.name)}`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['alerts', 'victim_exposures', 'block_audit', 'block_deliveries', 'alert_history', 'origin_activity', 'alert_triage', 'soc_audit']));
    const [count] = await db.rows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.alerts FINAL`);
    expect(Number(count?.n)).toBe(fixtureAlerts);
    expect((await api(alertsQuery({ limit: '500' }))).body.alerts).toHaveLength(fixtureAlerts);
  });

  it('shows an alert in detail: evidence, escalations, activity, related alerts, victims, blocks', async () => {
    const r = await api(`/api/v1/alerts/${A1}`, { token: TOKENS.viewer });
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.alert).toMatchObject({ alert_id: A1, severity: 'CRITICAL', version: 2, victims: 2, evidence: ['call-1', 'call-2', 'call-3'] });
    expect(d.triage).toEqual({ status: 'open', assignee: null, verdict: null, comment: null, ts: null, actor: null });
    expect(d.escalations).toEqual([
      { version: 1, severity: 'HIGH', ts: BASE, window_end: BASE, value: 5 },
      { version: 2, severity: 'CRITICAL', ts: BASE, window_end: BASE + 1_000, value: 12 },
    ]);
    const minute0 = Math.floor(BASE / 60_000) * 60_000;
    expect(d.activity).toEqual({
      entity_type: 'ingress_trunk', entity: 'trunk-A', from: BASE - 60_000 - 30 * 60_000, to: BASE + 1_000 + 30 * 60_000,
      minutes: [-2, -1, 0, 1].map((m) => ({ minute: minute0 + m * 60_000, attempts: 20 + m, answered: 10 })),
    });
    // A2 shares victim call-1 (the spoofed caller ID on the flagged trunk), A4 the trunk; A5 is two days away.
    expect(d.related.map((a: Json) => a.alert_id)).toEqual([A4, A2]);
    expect(d.victims).toEqual([
      { victim_number: VICTIMS[0], first_exposure: BASE + 10, last_exposure: BASE + 30, longest_call_ms: 120_000, calls: 2, flagged_origins: ['ingress_trunk:trunk-A'], alert_ids: [A1] },
      { victim_number: VICTIMS[1], first_exposure: BASE + 20, last_exposure: BASE + 20, longest_call_ms: 90_000, calls: 1, flagged_origins: ['ingress_trunk:trunk-A'], alert_ids: [A1] },
    ]);
    expect(d.blocks).toEqual([{
      decision_id: id('d1'), ts: BASE + 500, action: 'block', result: 'delivered', reason: 'policy', expires_at: BASE + 24 * HOUR, dry_run: false,
      deliveries: [{ target: 'http://sbc.example/hook', result: 'delivered', attempts: 2, status: 200 }],
    }]);
    expect((await api(`/api/v1/alerts/${id('nope')}`)).body).toEqual({ error_code: 404, message: 'unknown alert' });
  });

  it('triages append-only: acknowledge, assign, close with a verdict; the queue shows the latest state', async () => {
    const tricky = "owner's trunk \\ 'quoted' — ok";
    const ack = await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: { action: 'acknowledge' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', assignee: null, verdict: null, actor: 'bob' });
    expect((await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: { action: 'assign', assignee: 'ann' } })).body.assignee).toBe('ann');
    expect((await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: { action: 'close' } })).body)
      .toEqual({ error_code: 400, message: 'bad parameter verdict: expected one of true_positive, false_positive, benign (close needs a verdict)' });
    expect((await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: { action: 'escalate' } })).status).toBe(400);
    expect((await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: 'not json' })).status).toBe(400);
    const closed = await api(`/api/v1/alerts/${A2}/triage`, { method: 'POST', body: { action: 'close', verdict: 'false_positive', comment: tricky } });
    expect(closed.body).toMatchObject({ status: 'closed', assignee: 'ann', verdict: 'false_positive', comment: tricky, actor: 'bob' });
    expect((await api(`/api/v1/alerts/${id('nope')}/triage`, { method: 'POST', body: { action: 'acknowledge' } })).status).toBe(404);

    const listed = await api(alertsQuery({ status: 'closed' }), { token: TOKENS.viewer });
    expect(listed.body.alerts.map((a: Json) => [a.alert_id, a.status, a.verdict, a.assignee])).toEqual([[A2, 'closed', 'false_positive', 'ann']]);
    expect(listed.body.alerts[0].triaged_at).toBe(closed.body.ts);
    expect((await api(alertsQuery({ status: 'open', rule: 'spoofing-campaign-cli' }))).body.alerts).toEqual([]);
    const detail = (await api(`/api/v1/alerts/${A2}`)).body;
    expect(detail.triage).toEqual(closed.body);
    expect(detail.triage_history.map((h: Json) => [h.action, h.status, h.actor, h.role])).toEqual([
      ['acknowledge', 'acknowledged', 'bob', 'analyst'], ['assign', 'acknowledged', 'bob', 'analyst'], ['close', 'closed', 'bob', 'analyst'],
    ]);
    const rows = await db.rows<{ n: string }>(`SELECT count() AS n FROM ${db.name}.alert_triage WHERE alert_id = ${sqlString(A2)}`);
    expect(Number(rows[0]?.n)).toBe(3);
  });

  it('exports victims per alert and per campaign (CSV and NDJSON), matching ClickHouse, and audits each export', async () => {
    const csv = await api(`/api/v1/alerts/${A1}/victims.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="victims-alert-${A1}.csv"`);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe('victim_number,first_exposure,last_exposure,longest_call_ms,calls,flagged_origins,alert_ids');
    expect(lines.slice(1, -1)).toEqual([
      `${VICTIMS[0]},${new Date(BASE + 10).toISOString()},${new Date(BASE + 30).toISOString()},120000,2,ingress_trunk:trunk-A,${A1}`,
      `${VICTIMS[1]},${new Date(BASE + 20).toISOString()},${new Date(BASE + 20).toISOString()},90000,1,ingress_trunk:trunk-A,${A1}`,
    ]);
    const campaign = await api(`/api/v1/campaigns/${A1}/victims.ndjson`);
    expect(campaign.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const victims = campaign.text.trim().split('\n').map((l) => JSON.parse(l));
    const inClickHouse = await db.rows<{ v: string }>(
      `SELECT DISTINCT victim_number AS v FROM ${db.name}.victim_exposures WHERE alert_id IN (${[A1, A2, A3, A4].map(sqlString).join(', ')}) ORDER BY v`,
    );
    expect(victims.map((v) => v.victim_number).sort()).toEqual(inClickHouse.map((r) => r.v));
    expect(victims.find((v) => v.victim_number === VICTIMS[0])).toEqual({
      victim_number: VICTIMS[0], first_exposure: BASE + 10, last_exposure: BASE + 30, longest_call_ms: 120_000, calls: 2,
      flagged_origins: [`calling_number:${CALLER}`, 'ingress_trunk:trunk-A'], alert_ids: [A1, A2].sort(),
    });
    expect((await api(`/api/v1/campaigns/${id('nope')}/victims.csv`)).status).toBe(404);
    const audited = await audit('export_victims');
    expect(audited.map((a) => [a.actor, a.role, a.target, a.format, Number(a.rows)])).toEqual([['bob', 'analyst', A1, 'csv', 2], ['bob', 'analyst', A1, 'ndjson', 3]]);
    expect(JSON.parse(audited[1]?.detail ?? '{}')).toMatchObject({ scope: 'campaign' });
  });

  it('exports closed alerts\' verdicts as labels the replay reads, and audits the export', async () => {
    await api(`/api/v1/alerts/${A3}/triage`, { method: 'POST', body: { action: 'close', verdict: 'true_positive' } });
    const dir = mkdtempSync(path.join(tmpdir(), 'soc-it-labels-'));
    for (const format of ['csv', 'ndjson']) {
      const r = await api(`/api/v1/verdicts/labels.${format}?from=${BASE}&to=${BASE + 10_000}`);
      expect(r.status).toBe(200);
      const file = path.join(dir, `labels.${format}`);
      writeFileSync(file, r.text);
      expect(readLabelFile(file), format).toEqual({
        kind: 'verdicts', verdicts: [
          { entity_type: 'calling_number', entity: CALLER, verdict: 'false_positive', rule_id: 'spoofing-campaign-cli', alert_id: A2 },
          { entity_type: 'ingress_trunk', entity: NASTY_ENTITY, verdict: 'true_positive', rule_id: 'dno-spoofed-cli-trunk', alert_id: A3 },
        ].filter((v) => format === 'ndjson' || !v.entity.includes('\n')),
      });
    }
    expect((await api(`/api/v1/verdicts/labels.csv?from=${BASE + 2_500}`)).text.trim().split('\r\n')).toHaveLength(1);
    const audited = await audit('export_verdicts');
    expect(audited.map((a) => [a.format, Number(a.rows)])).toEqual([['csv', 1], ['ndjson', 2], ['csv', 0]]);
  });

  it('lifts a block through the real blocker\'s operator API as the named operator, and audits it', async () => {
    const entity = id('blocked-trunk');
    await blocker.produce([testAlert(id('block-me'), { entity, ts: Date.now() })]);
    await waitFor('the blocker to block the trunk', async () =>
      (await blocker.rows(`SELECT result FROM ${blocker.db.name}.block_audit WHERE entity = ${sqlString(entity)} AND action = 'block'`)).length > 0 ? true : undefined, 60_000);
    expect((await api('/api/v1/blocks/lift', { method: 'POST', token: TOKENS.operator, body: { entity_type: 'ingress_trunk' } })).status).toBe(400);
    const lifted = await api('/api/v1/blocks/lift', { method: 'POST', token: TOKENS.operator, body: { entity_type: 'ingress_trunk', entity } });
    expect(lifted.status, lifted.text).toBe(200);
    expect(lifted.body.decision).toMatchObject({ action: 'unblock', result: 'lifted', entity });
    expect(lifted.body.decision.reason).toContain('lifted by cy');
    const again = await api('/api/v1/blocks/lift', { method: 'POST', token: TOKENS.operator, body: { entity_type: 'ingress_trunk', entity } });
    expect(again.status).toBe(404);
    const audited = await audit('lift_block');
    expect(audited.map((a) => [a.actor, a.role, a.target, JSON.parse(a.detail ?? '{}').blocker_status])).toEqual([
      ['cy', 'operator', `ingress_trunk:${entity}`, 200], ['cy', 'operator', `ingress_trunk:${entity}`, 404],
    ]);
  });

  it('streams new and changed alerts as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${TOKENS.viewer}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events = (): Json[] => text.split('\n\n').filter((b) => b.startsWith('event: alert\n')).map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)));
    const readUntil = async (what: string, found: () => boolean): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!found()) {
        if (Date.now() > deadline) throw new Error(`no ${what} on the stream: ${text.slice(-2000)}`);
        const { value, done } = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} on the stream within 30 s: ${text.slice(-2000)}`)), 30_000))]);
        if (done) throw new Error(`stream ended before ${what}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil('connection comment', () => text.includes(': connected'));
    const fresh = id('live');
    await insert('alerts', [alertRow(fresh, { entity: 'trunk-live', ts: Date.now() })]);
    await readUntil('the new alert', () => events().some((e) => e.alert_id === fresh));
    expect(events().find((e) => e.alert_id === fresh)).toMatchObject({ alert_id: fresh, status: 'open', version: 1 });
    await api(`/api/v1/alerts/${fresh}/triage`, { method: 'POST', body: { action: 'acknowledge' } });
    await readUntil('the triaged alert', () => events().some((e) => e.alert_id === fresh && e.status === 'acknowledged'));
    expect(events().filter((e) => e.alert_id === fresh).map((e) => e.status)).toEqual(['open', 'acknowledged']);
    controller.abort();
  });

  it('refuses a bad token list at start-up (exit 2, entry named, token not printed); is up but not ready without its tables; lifts answer 503 without the blocker token', async () => {
    const leaked = `short-${RUN}`;
    const bad = ServiceProcess.start('soc', 'services/soc/dist/main.js', {
      CLICKHOUSE_URL: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', SOC_HTTP_PORT: String(await freePort()), SOC_TOKENS: `eve:admin:${leaked}`,
    });
    expect(await bad.waitExit(20_000)).toBe(2);
    expect(bad.log).toContain('entry 1 (eve): role must be one of viewer, analyst, operator');
    expect(bad.log).toContain('entry 1 (eve): token shorter than 16 characters');
    expect(bad.log).not.toContain(leaked);

    const port = await freePort();
    const bare = ServiceProcess.start('soc', 'services/soc/dist/main.js', {
      CLICKHOUSE_URL: env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', CLICKHOUSE_DATABASE: `it_soc_missing_${RUN}`, SOC_HTTP_PORT: String(port),
      SOC_TOKENS: `cy:operator:${TOKENS.operator}`, LOG_LEVEL: 'info',
    });
    try {
      await waitFor('the bare soc service to be up', async () => ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 200 ? true : undefined), 30_000);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'not ready', checks: { started: true, clickhouse: false } });
      const lift = await fetch(`http://127.0.0.1:${port}/api/v1/blocks/lift`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKENS.operator}` }, body: JSON.stringify({ entity_type: 'ingress_trunk', entity: 'x' }),
      });
      expect(lift.status).toBe(503);
      expect(((await lift.json()) as { message: string }).message).toContain('SOC_BLOCKER_OPERATOR_TOKEN');
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/alerts`, { headers: { authorization: `Bearer ${TOKENS.operator}` } })).status).toBe(503);
    } finally {
      expect(await bare.stop()).toBe(0);
    }
  });

  it('keeps phone numbers out of its info-level logs', () => {
    for (const number of [...VICTIMS, CALLER]) expect(soc.log).not.toContain(number);
    expect(soc.log).toContain('victims exported');
  });

  it('stops on SIGTERM with a live stream open: the stream ends and the process exits 0', async () => {
    const res = await fetch(`${base}/api/v1/alerts/stream`, { headers: { authorization: `Bearer ${TOKENS.viewer}` } });
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain(': connected');
    const drained = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })();
    const code = await soc.stop(15_000);
    expect(code).toBe(0);
    expect(await drained).toBe('ended');
  });
});
