import { sqlList, sqlNumber, sqlString } from '@telfraud/common';
import type { AlertFilters } from '../api/alert-filters.js';

/**
 * The SQL of the SOC's reads, built from validated values: every value goes through common's
 * quoting functions (ClickHouse 18.16 has no query parameters). Portable to 18.16 and modern
 * ClickHouse. `alerts` is read FINAL in a subquery. Inside it, filters only on what every version
 * of an alert shares (alert_id, rule_id, entity_type, entity, ts: the identity and the first
 * firing; event_date follows ts); filters on what changes between versions (severity) or comes
 * from triage (status) apply outside it, where a superseded version can no longer match.
 */
// Enum8 severity comes out of JSONEachRow as its name.
const ALERT_COLUMNS = 'alert_id, rule_id, severity, entity_type, entity, window_start, window_end, ts, value, threshold, summary, version';
const DAY_MS = 86_400_000;

/** Latest triage state per alert: the row with the greatest (ts, event_id). */
export function latestTriageSql(where = ''): string {
  return `SELECT alert_id, argMax(status, (ts, event_id)) AS t_status, argMax(assignee, (ts, event_id)) AS t_assignee,
    argMax(verdict, (ts, event_id)) AS t_verdict, argMax(actor, (ts, event_id)) AS t_actor, max(ts) AS t_ts
  FROM alert_triage ${where} GROUP BY alert_id`;
}

const whereOf = (conditions: readonly string[]): string => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

/** Alerts (FINAL, narrowed by `identity` conditions) joined with their latest triage state. */
function itemsSource(identity: readonly string[], triage: readonly string[], withEvidence = false): string {
  const columns = `${ALERT_COLUMNS}${withEvidence ? ', evidence' : ''}`;
  return `SELECT ${columns}, if(t_status = '', 'open', t_status) AS status, t_assignee AS assignee, t_verdict AS verdict, t_ts AS triaged_at
  FROM (SELECT ${columns} FROM alerts FINAL ${whereOf(identity)}) AS a
  ANY LEFT JOIN (${latestTriageSql(whereOf(triage))}) AS t USING alert_id`;
}

/**
 * Partitions that can hold alerts first fired in [from, to]: event_date is the writer's UTC date of
 * ts; a day of margin either side covers a server in another time zone.
 */
function eventDateBounds(from: number | undefined, to: number | undefined): string[] {
  const out: string[] = [];
  if (from !== undefined) out.push(`event_date >= toDate(${sqlString(new Date(Math.max(0, from - DAY_MS)).toISOString().slice(0, 10))})`);
  if (to !== undefined && to + DAY_MS < Date.UTC(2106, 0, 1)) out.push(`event_date <= toDate(${sqlString(new Date(to + DAY_MS).toISOString().slice(0, 10))})`);
  return out;
}

/** The queue: filters, keyset cursor, newest first; one row more than the page tells whether there is a next page. */
export function alertListSql(f: AlertFilters): string {
  const identity: string[] = [];
  if (f.rules.length > 0) identity.push(`rule_id IN ${sqlList(f.rules)}`);
  if (f.entity !== undefined) identity.push(`entity = ${sqlString(f.entity)}`);
  if (f.entityType !== undefined) identity.push(`entity_type = ${sqlString(f.entityType)}`);
  if (f.from !== undefined) identity.push(`ts >= ${sqlNumber(f.from)}`);
  if (f.to !== undefined) identity.push(`ts <= ${sqlNumber(f.to)}`);
  const before = f.cursor?.ts;
  if (f.cursor) identity.push(`(ts < ${sqlNumber(f.cursor.ts)} OR (ts = ${sqlNumber(f.cursor.ts)} AND alert_id < ${sqlString(f.cursor.alertId)}))`);
  identity.push(...eventDateBounds(f.from, before === undefined ? f.to : Math.min(before, f.to ?? before)));
  const outer: string[] = [];
  if (f.severities.length > 0) outer.push(`severity IN ${sqlList(f.severities)}`);
  if (f.statuses.length > 0) outer.push(`status IN ${sqlList(f.statuses)}`);
  return `SELECT * FROM (${itemsSource(identity, [])})
  ${whereOf(outer)}
  ORDER BY ts DESC, alert_id DESC LIMIT ${sqlNumber(f.limit + 1)}`;
}

/** Items of the given alerts (newest first). */
export function alertsByIdSql(ids: readonly string[], withEvidence = false): string {
  const byId = [`alert_id IN ${sqlList(ids)}`];
  return `SELECT * FROM (${itemsSource(byId, byId, withEvidence)}) ORDER BY ts DESC, alert_id DESC`;
}

export function victimCountsSql(ids: readonly string[]): string {
  return `SELECT alert_id, uniqExact(victim_number) AS victims FROM victim_exposures WHERE alert_id IN ${sqlList(ids)} GROUP BY alert_id`;
}

/** One line per victim over the given alerts (a campaign), in order of first exposure. */
export function victimsSql(ids: readonly string[], limit?: number): string {
  return `SELECT victim_number, min(ts) AS first_exposure, max(ts) AS last_exposure, max(duration_ms) AS longest_call_ms,
    uniqExact(call_id) AS calls, groupUniqArray(concat(entity_type, ':', entity)) AS flagged_origins, groupUniqArray(alert_id) AS alert_ids
  FROM victim_exposures WHERE alert_id IN ${sqlList(ids)}
  GROUP BY victim_number ORDER BY first_exposure, victim_number${limit === undefined ? '' : ` LIMIT ${sqlNumber(limit)}`}`;
}

export function triageHistorySql(alertId: string): string {
  return `SELECT event_id, ts, actor, role, action, status, assignee, verdict, comment FROM alert_triage
  WHERE alert_id = ${sqlString(alertId)} ORDER BY ts, event_id`;
}

export function escalationsSql(alertId: string): string {
  return `SELECT version, severity, ts, window_end, value FROM alert_history FINAL
  WHERE alert_id = ${sqlString(alertId)} ORDER BY version`;
}

export function activitySql(entityType: string, entity: string, from: number, to: number): string {
  return `SELECT minute, sum(attempts) AS attempts, sum(answered) AS answered FROM origin_activity
  WHERE entity_type = ${sqlString(entityType)} AND entity = ${sqlString(entity)} AND minute BETWEEN ${sqlNumber(from)} AND ${sqlNumber(to)}
  GROUP BY minute ORDER BY minute`;
}

export const RELATED_WINDOW_MS = 24 * 3_600_000;
const MAX_EVIDENCE_LINKS = 500;

export interface RelatedTo {
  alertId: string;
  ts: number;
  entityType: string;
  entity: string;
  evidence: readonly string[];
}

/**
 * The campaign around an alert: alerts within +-24 h on the same entity (any rule), or sharing an
 * evidence item or a victim call (a spoofed call over a flagged trunk presenting a flagged caller
 * ID is listed under both alerts).
 */
export function relatedIdsSql(a: RelatedTo, limit: number): string {
  const links = [
    `(entity_type = ${sqlString(a.entityType)} AND entity = ${sqlString(a.entity)})`,
    `alert_id IN (SELECT DISTINCT alert_id FROM victim_exposures WHERE call_id IN (SELECT call_id FROM victim_exposures WHERE alert_id = ${sqlString(a.alertId)}))`,
  ];
  const evidence = [...new Set(a.evidence)].slice(0, MAX_EVIDENCE_LINKS);
  if (evidence.length > 0) links.push(`hasAny(evidence, [${evidence.map(sqlString).join(', ')}])`);
  const from = Math.max(0, a.ts - RELATED_WINDOW_MS);
  const to = a.ts + RELATED_WINDOW_MS;
  const window = [`ts BETWEEN ${sqlNumber(from)} AND ${sqlNumber(to)}`, ...eventDateBounds(from, to)];
  // Evidence changes between versions: matched outside FINAL, on the current version's.
  return `SELECT alert_id FROM (SELECT alert_id, entity_type, entity, ts, evidence FROM alerts FINAL ${whereOf(window)})
  WHERE alert_id != ${sqlString(a.alertId)} AND (${links.join(' OR ')})
  ORDER BY ts DESC, alert_id DESC LIMIT ${sqlNumber(limit)}`;
}

/** The blocker's decisions on the alert, or on its entity since the alert's window began. */
export function blocksSql(alertId: string, entityType: string, entity: string, since: number): string {
  return `SELECT decision_id, ts, action, result, reason, expires_at, dry_run FROM (SELECT * FROM block_audit FINAL)
  WHERE alert_id = ${sqlString(alertId)} OR (entity_type = ${sqlString(entityType)} AND entity = ${sqlString(entity)} AND ts >= ${sqlNumber(since)})
  ORDER BY ts, decision_id`;
}

export function deliveriesSql(decisionIds: readonly string[]): string {
  return `SELECT decision_id, target, result, attempts, status FROM (SELECT * FROM block_deliveries FINAL)
  WHERE decision_id IN ${sqlList(decisionIds)} ORDER BY ts, target`;
}

/** Closed alerts with a verdict, alerts first fired in [from, to], oldest first. */
export function verdictsSql(from: number | undefined, to: number | undefined): string {
  const identity: string[] = [];
  if (from !== undefined) identity.push(`ts >= ${sqlNumber(from)}`);
  if (to !== undefined) identity.push(`ts <= ${sqlNumber(to)}`);
  identity.push(...eventDateBounds(from, to));
  return `SELECT alert_id, rule_id, entity_type, entity, ts, t_verdict AS verdict, t_ts AS closed_at, t_actor AS closed_by
  FROM (SELECT alert_id, rule_id, entity_type, entity, ts FROM alerts FINAL ${whereOf(identity)}) AS a
  ANY INNER JOIN (${latestTriageSql()}) AS t USING alert_id
  WHERE t_status = 'closed' AND t_verdict != '' ORDER BY ts, alert_id`;
}

/**
 * Alerts whose row or triage changed since `sinceSeconds` (inserted_at, the writers' clock). An
 * alert changes only within its incident period after its first firing (ts, hence event_date), and
 * triage rows are dated when written, so two days of partitions hold every change.
 */
export function changedAlertIdsSql(sinceSeconds: number, limit: number): string {
  const since = `toDateTime(${sqlNumber(sinceSeconds)})`;
  const [recent = ''] = eventDateBounds(sinceSeconds * 1000 - DAY_MS, undefined);
  return `SELECT alert_id, max(at) AS at FROM (
    SELECT alert_id, toUInt32(inserted_at) AS at FROM alerts WHERE ${recent} AND inserted_at >= ${since}
    UNION ALL
    SELECT alert_id, toUInt32(inserted_at) AS at FROM alert_triage WHERE ${recent} AND inserted_at >= ${since}
  ) GROUP BY alert_id ORDER BY at LIMIT ${sqlNumber(limit)}`;
}
