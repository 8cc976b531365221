import { PipelineError, SqlLiteralError, type HttpRequestContext, type HttpResponse, type Logger } from '@telfraud/common';
import { roleAtLeast, type Principal, type Role, type TokenDirectory } from '../access/tokens.js';
import { parseLiftTarget, type BlockerClient } from '../blocker/blocker-client.js';
import type { ConsoleFiles } from '../static/console-files.js';
import { verdictsCsv, verdictsNdjson } from '../export/verdict-labels.js';
import { victimsCsv, victimsNdjson } from '../export/victims-export.js';
import type { SocMetrics } from '../soc-metrics.js';
import type { SocStore } from '../store/soc-store.js';
import type { AlertFeed } from '../stream/alert-feed.js';
import { alertStreamResponse } from '../stream/alert-stream.js';
import { TriageDesk } from '../triage/triage-desk.js';
import { intParam, MAX_MS, parseAlertFilters } from './alert-filters.js';
import { SocApiError } from './api-error.js';
import { encodeCursor } from './cursor.js';

export interface SocApiDeps {
  tokens: TokenDirectory;
  store: SocStore;
  feed: AlertFeed;
  blocker: BlockerClient;
  console: ConsoleFiles;
  metrics: SocMetrics;
  logger: Logger;
  now: () => number;
}

interface Call {
  req: HttpRequestContext;
  who: Principal;
  /** The decoded path parameter (an alert id), or the export format. */
  params: string[];
}

interface Route {
  name: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  role: Role;
  handle: (call: Call) => Promise<HttpResponse> | HttpResponse;
}

export const API_PREFIX = '/api/';
const MAX_ID = 128;

const json = (body: unknown, status = 200): HttpResponse => ({ status, body, headers: { 'cache-control': 'no-store' } });
const apiError = (status: number, message: string, headers?: Record<string, string>): HttpResponse =>
  ({ status, body: { error_code: status, message }, headers: { 'cache-control': 'no-store', ...headers } });

function download(text: string, format: string, filename: string): HttpResponse {
  return {
    status: 200, body: text, contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    headers: { 'content-disposition': `attachment; filename="${filename}.${format}"`, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  };
}

/** A file name part from an alert id: only the characters ids are made of. */
const safeName = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

/**
 * The SOC HTTP API (SOC-SPEC "The SOC HTTP API") and the console's files, as routes on the
 * service's HTTP server. Every /api/ request needs a bearer token of a high enough role; errors
 * are `{ error_code, message }`. Paths outside /api/ that are not /metrics, /healthz or /readyz
 * are console files.
 */
export function createSocRoutes(deps: SocApiDeps): (req: HttpRequestContext) => Promise<HttpResponse | undefined> {
  const desk = new TriageDesk(deps.store, deps.now);
  const { store, metrics, logger } = deps;

  const victimsExport = (kind: 'alert' | 'campaign') => async ({ who, params: [id = '', format = 'csv'] }: Call): Promise<HttpResponse> => {
    const ids = kind === 'alert' ? ((await store.alertExists(id)) ? [id] : undefined) : await store.campaignIds(id);
    if (!ids) throw new SocApiError(404, 'unknown alert');
    const victims = await store.victims(ids);
    await store.audit({ actor: who, action: 'export_victims', target: id, format, rows: victims.length, detail: { scope: kind, alert_ids: ids } });
    metrics.exports.inc({ kind: `${kind}_victims`, format });
    metrics.exportedRows.inc({ kind: 'victims' }, victims.length);
    logger.info('victims exported', { actor: who.name, scope: kind, alert_id: id, alerts: ids.length, rows: victims.length, format });
    return download(format === 'csv' ? victimsCsv(victims) : victimsNdjson(victims), format, `victims-${kind}-${safeName(id)}`);
  };

  const routes: Route[] = [
    { name: 'me', method: 'GET', pattern: /^\/api\/v1\/me$/, role: 'viewer', handle: ({ who }) => json({ name: who.name, role: who.role }) },
    { name: 'rules', method: 'GET', pattern: /^\/api\/v1\/rules$/, role: 'viewer', handle: async () => json({ rules: await store.rules() }) },
    {
      name: 'alerts', method: 'GET', pattern: /^\/api\/v1\/alerts$/, role: 'viewer',
      handle: async ({ req }) => {
        const filters = parseAlertFilters(req.query);
        const page = await store.listAlerts(filters);
        const last = page.alerts.at(-1);
        return json({ alerts: page.alerts, next_cursor: page.more && last ? encodeCursor({ ts: last.ts, alertId: last.alert_id }) : null });
      },
    },
    {
      name: 'alerts/stream', method: 'GET', pattern: /^\/api\/v1\/alerts\/stream$/, role: 'viewer',
      handle: () => alertStreamResponse(deps.feed, (d) => metrics.streams.inc(d)),
    },
    {
      name: 'alerts/{id}', method: 'GET', pattern: /^\/api\/v1\/alerts\/([^/]+)$/, role: 'viewer',
      handle: async ({ params: [id = ''] }) => {
        const detail = await store.alertDetail(id);
        if (!detail) throw new SocApiError(404, 'unknown alert');
        return json(detail);
      },
    },
    {
      name: 'alerts/{id}/triage', method: 'POST', pattern: /^\/api\/v1\/alerts\/([^/]+)\/triage$/, role: 'analyst',
      handle: async ({ req, who, params: [id = ''] }) => {
        const triage = await desk.apply(id, req.body, who);
        metrics.triage.inc({ action: triage.action });
        logger.info('alert triaged', { actor: who.name, alert_id: id, action: triage.action, status: triage.state.status });
        return json(triage.state);
      },
    },
    { name: 'alerts/{id}/victims', method: 'GET', pattern: /^\/api\/v1\/alerts\/([^/]+)\/victims\.(csv|ndjson)$/, role: 'analyst', handle: victimsExport('alert') },
    { name: 'campaigns/{id}/victims', method: 'GET', pattern: /^\/api\/v1\/campaigns\/([^/]+)\/victims\.(csv|ndjson)$/, role: 'analyst', handle: victimsExport('campaign') },
    {
      name: 'verdicts/labels', method: 'GET', pattern: /^\/api\/v1\/verdicts\/labels\.(csv|ndjson)$/, role: 'analyst',
      handle: async ({ req, who, params: [format = 'csv'] }) => {
        const from = intParam(req.query, 'from', 0, MAX_MS);
        const to = intParam(req.query, 'to', 0, MAX_MS);
        const labels = await store.verdicts(from, to);
        const out = format === 'csv' ? verdictsCsv(labels) : { text: verdictsNdjson(labels), rows: labels.length, skipped: 0 };
        await store.audit({ actor: who, action: 'export_verdicts', target: 'verdicts', format, rows: out.rows, detail: { from: from ?? null, to: to ?? null, skipped: out.skipped } });
        metrics.exports.inc({ kind: 'verdicts', format });
        metrics.exportedRows.inc({ kind: 'verdicts' }, out.rows);
        if (out.skipped > 0) logger.warn('verdict labels with line breaks left out of the CSV (the NDJSON export has them)', { skipped: out.skipped });
        logger.info('verdicts exported', { actor: who.name, rows: out.rows, format });
        return download(out.text, format, 'verdict-labels');
      },
    },
    {
      name: 'blocks/lift', method: 'POST', pattern: /^\/api\/v1\/blocks\/lift$/, role: 'operator',
      handle: async ({ req, who }) => {
        const target = parseLiftTarget(req.body);
        if (!deps.blocker.enabled) throw new SocApiError(503, 'block lifting disabled: SOC_BLOCKER_OPERATOR_TOKEN is not set');
        let answer;
        try {
          answer = await deps.blocker.lift(target, who.name);
        } catch (err) {
          metrics.lifts.inc({ status: '0' });
          await store.audit({ actor: who, action: 'lift_block', target: `${target.entity_type}:${target.entity}`, format: '', rows: 0, detail: { blocker_status: 0, error: (err as Error).message } });
          throw err;
        }
        metrics.lifts.inc({ status: String(answer.status) });
        await store.audit({ actor: who, action: 'lift_block', target: `${target.entity_type}:${target.entity}`, format: '', rows: 0, detail: { blocker_status: answer.status, blocker_answer: answer.body } });
        logger.info('block lift forwarded to the blocker', { actor: who.name, entity_type: target.entity_type, blocker_status: answer.status });
        // The blocker refusing the SOC's own operator token is this service's fault, not the caller's: a 401
        // passed through would read as the caller's token being wrong.
        if (answer.status === 401) throw new SocApiError(502, 'the blocker refused SOC_BLOCKER_OPERATOR_TOKEN');
        return { status: answer.status, body: answer.body, headers: { 'cache-control': 'no-store' } };
      },
    },
  ];

  async function api(req: HttpRequestContext): Promise<{ route: string; response: HttpResponse }> {
    const who = deps.tokens.authenticate(req.headers);
    if (!who) return { route: 'unauthenticated', response: apiError(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="soc"' }) };
    const matching = routes.map((r) => ({ r, m: r.pattern.exec(req.path) })).filter((x) => x.m !== null);
    if (matching.length === 0) return { route: 'unknown', response: apiError(404, `no API route ${req.path.slice(0, 200)}`) };
    const found = matching.find((x) => x.r.method === req.method);
    if (!found?.m) return { route: 'unknown', response: apiError(405, `${req.method} not allowed here`, { allow: matching.map((x) => x.r.method).join(', ') }) };
    const { r, m } = found;
    if (!roleAtLeast(who.role, r.role)) return { route: r.name, response: apiError(403, `needs the ${r.role} role (${who.name} is ${who.role})`) };
    try {
      const params = m.slice(1).map((p) => {
        let v: string;
        try {
          v = decodeURIComponent(p);
        } catch {
          throw new SocApiError(400, 'bad parameter alert_id: not a valid URL-encoded string', { parameter: 'alert_id' });
        }
        if (v === '' || v.length > MAX_ID) throw new SocApiError(400, `bad parameter alert_id: expected 1 to ${MAX_ID} characters`, { parameter: 'alert_id' });
        return v;
      });
      return { route: r.name, response: await r.handle({ req, who, params }) };
    } catch (err) {
      if (err instanceof SocApiError) return { route: r.name, response: apiError(err.status, err.message) };
      if (err instanceof SqlLiteralError) return { route: r.name, response: apiError(400, `bad parameter: ${err.message}`) };
      if (err instanceof PipelineError && err.code === 'CLICKHOUSE_UNAVAILABLE') {
        logger.warn('ClickHouse request failed', { route: r.name, err });
        return { route: r.name, response: apiError(503, 'ClickHouse is not available; try again') };
      }
      throw err;
    }
  }

  return async (req) => {
    if (req.path.startsWith(API_PREFIX)) {
      const { route, response } = await api(req);
      metrics.requests.inc({ route, status: String(response.status) });
      logger.debug('api request', { method: req.method, route, status: response.status });
      return response;
    }
    if (req.method !== 'GET' || ['/metrics', '/healthz', '/readyz'].includes(req.path)) return undefined;
    const file = await deps.console.serve(req.path);
    if (file) return file;
    return req.path === '/' ? apiError(404, 'the console is not built: run `make build` (it writes services/soc/dist/console/)') : undefined;
  };
}
