import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import {
  createClickHouseClient, pingClickHouse, PipelineError, sqlList, sqlString, utcDate, utcDateTime, type ClickHouseConfig, type Logger,
} from '@telfraud/common';
import type { Principal } from '../access/tokens.js';
import type { AlertFilters } from '../api/alert-filters.js';
import type { VerdictLabel } from '../export/verdict-labels.js';
import {
  alertItemFromRow, num, str, strings, triageEventFromRow, victimFromRow,
  type AlertItem, type Row, type Triage, type TriageAction, type TriageEvent, type Victim,
} from './alert-rows.js';
import { queueWindows } from './queue-windows.js';
import { triageOf } from './triage-state.js';
import {
  activitySql, alertListSql, alertsByIdSql, blocksSql, changedAlertIdsSql, deliveriesSql, escalationsSql, relatedIdsSql,
  triageHistorySql, verdictsSql, victimCountsSql, victimsSql,
} from './alert-sql.js';

/** Every table the API reads or writes; readiness waits for all of them. */
export const SOC_TABLES = ['alerts', 'victim_exposures', 'block_audit', 'block_deliveries', 'alert_history', 'origin_activity', 'alert_triage', 'soc_audit'] as const;

export const ACTIVITY_MARGIN_MS = 30 * 60_000;
export const DETAIL_VICTIMS_LIMIT = 1_000;
export const RELATED_LIMIT = 200;

export interface AlertDetail {
  alert: AlertItem & { evidence: string[] };
  triage: Triage;
  triage_history: TriageEvent[];
  escalations: { version: number; severity: string; ts: number; window_end: number; value: number }[];
  activity: { entity_type: string; entity: string; from: number; to: number; minutes: { minute: number; attempts: number; answered: number }[] };
  related: AlertItem[];
  victims: Victim[];
  blocks: {
    decision_id: string; ts: number; action: string; result: string; reason: string; expires_at: number; dry_run: boolean;
    deliveries: { target: string; result: string; attempts: number; status: number }[];
  }[];
}

export interface AuditEntry {
  actor: Principal;
  action: 'export_victims' | 'export_verdicts' | 'lift_block';
  target: string;
  format: string;
  rows: number;
  detail: Record<string, unknown>;
}

const TRIAGE_COLUMNS: [string, ...string[]] = ['event_id', 'alert_id', 'ts', 'actor', 'role', 'action', 'status', 'assignee', 'verdict', 'comment', 'event_date', 'inserted_at'];
const AUDIT_COLUMNS: [string, ...string[]] = ['event_id', 'ts', 'actor', 'role', 'action', 'target', 'format', 'rows', 'detail', 'event_date', 'inserted_at'];

/**
 * The SOC's reads and writes on ClickHouse. Reads are SQL built by alert-sql.ts (values quoted by
 * common's sql-literal); writes are JSONEachRow inserts (values travel as data, never inside SQL).
 * A failing request surfaces as a retryable PipelineError CLICKHOUSE_UNAVAILABLE.
 */
export class SocStore {
  private closing: Promise<void> | undefined;

  constructor(private readonly client: ClickHouseClient, private readonly database: string, private readonly now: () => number = Date.now) {}

  static create(config: ClickHouseConfig, logger: Logger): SocStore {
    return new SocStore(createClickHouseClient(config, logger, 'telfraud-soc'), config.clickhouseDatabase);
  }

  private async rows(query: string): Promise<Row[]> {
    try {
      return await (await this.client.query({ query, format: 'JSONEachRow' })).json<Row>();
    } catch (err) {
      throw new PipelineError('CLICKHOUSE_UNAVAILABLE', `ClickHouse query failed: ${(err as Error).message.split('\n')[0]}`, { cause: err, retryable: true });
    }
  }

  private async insert(table: string, columns: [string, ...string[]], values: Row[]): Promise<void> {
    try {
      await this.client.insert({ table, columns, format: 'JSONEachRow', values });
    } catch (err) {
      throw new PipelineError('CLICKHOUSE_UNAVAILABLE', `ClickHouse insert into ${table} failed`, { cause: err, retryable: true });
    }
  }

  ping(): Promise<boolean> {
    return pingClickHouse(this.client);
  }

  /** The tables of SOC_TABLES that are missing (all of them when ClickHouse does not answer). */
  async missingTables(): Promise<string[]> {
    const found = new Set((await this.rows(`SELECT name FROM system.tables WHERE database = ${sqlString(this.database)} AND name IN ${sqlList(SOC_TABLES)}`)).map((r) => str(r['name'])));
    return SOC_TABLES.filter((t) => !found.has(t));
  }

  async rules(): Promise<string[]> {
    return (await this.rows('SELECT DISTINCT rule_id FROM alerts ORDER BY rule_id')).map((r) => str(r['rule_id']));
  }

  private async victimCounts(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    return new Map((await this.rows(victimCountsSql(ids))).map((r) => [str(r['alert_id']), num(r['victims'])]));
  }

  private async items(rows: Row[]): Promise<AlertItem[]> {
    const counts = await this.victimCounts(rows.map((r) => str(r['alert_id'])));
    return rows.map((r) => alertItemFromRow(r, counts.get(str(r['alert_id'])) ?? 0));
  }

  /** A page of the queue and whether there is more (the page's last item is the next cursor). */
  async listAlerts(f: AlertFilters): Promise<{ alerts: AlertItem[]; more: boolean }> {
    let rows: Row[] = [];
    for (const from of queueWindows(f, this.now())) {
      rows = await this.rows(alertListSql({ ...f, from }));
      if (rows.length > f.limit) break;
    }
    const more = rows.length > f.limit;
    return { alerts: await this.items(rows.slice(0, f.limit)), more };
  }

  async alertsById(ids: readonly string[]): Promise<AlertItem[]> {
    if (ids.length === 0) return [];
    return this.items(await this.rows(alertsByIdSql(ids)));
  }

  async triageHistory(alertId: string): Promise<TriageEvent[]> {
    return (await this.rows(triageHistorySql(alertId))).map(triageEventFromRow);
  }

  async alertExists(alertId: string): Promise<boolean> {
    return (await this.rows(`SELECT 1 AS found FROM alerts WHERE alert_id = ${sqlString(alertId)} LIMIT 1`)).length > 0;
  }

  async victims(ids: readonly string[], limit?: number): Promise<Victim[]> {
    if (ids.length === 0) return [];
    return (await this.rows(victimsSql(ids, limit))).map(victimFromRow);
  }

  /** The alert and its campaign: related alert ids, the alert's own first. */
  async campaignIds(alertId: string): Promise<string[] | undefined> {
    const [row] = await this.rows(alertsByIdSql([alertId], true));
    if (!row) return undefined;
    const related = await this.rows(relatedIdsSql({ alertId, ts: num(row['ts']), entityType: str(row['entity_type']), entity: str(row['entity']), evidence: strings(row['evidence']) }, RELATED_LIMIT));
    return [alertId, ...related.map((r) => str(r['alert_id']))];
  }

  async alertDetail(alertId: string): Promise<AlertDetail | undefined> {
    const [row] = await this.rows(alertsByIdSql([alertId], true));
    if (!row) return undefined;
    const a = { ts: num(row['ts']), windowStart: num(row['window_start']), windowEnd: num(row['window_end']), entityType: str(row['entity_type']), entity: str(row['entity']) };
    const evidence = strings(row['evidence']);
    const from = Math.max(0, a.windowStart - ACTIVITY_MARGIN_MS);
    const to = Math.max(a.windowEnd, a.ts) + ACTIVITY_MARGIN_MS;
    const [counts, history, escalations, minutes, relatedRows, victims, blocks] = await Promise.all([
      this.victimCounts([alertId]),
      this.triageHistory(alertId),
      this.rows(escalationsSql(alertId)),
      this.rows(activitySql(a.entityType, a.entity, from, to)),
      this.rows(relatedIdsSql({ alertId, ts: a.ts, entityType: a.entityType, entity: a.entity, evidence }, RELATED_LIMIT)),
      this.victims([alertId], DETAIL_VICTIMS_LIMIT),
      this.blocks(alertId, a.entityType, a.entity, a.windowStart),
    ]);
    return {
      alert: { ...alertItemFromRow(row, counts.get(alertId) ?? 0), evidence },
      triage: triageOf(history),
      triage_history: history,
      escalations: escalations.map((r) => ({ version: num(r['version']), severity: str(r['severity']), ts: num(r['ts']), window_end: num(r['window_end']), value: num(r['value']) })),
      activity: { entity_type: a.entityType, entity: a.entity, from, to, minutes: minutes.map((r) => ({ minute: num(r['minute']), attempts: num(r['attempts']), answered: num(r['answered']) })) },
      related: await this.alertsById(relatedRows.map((r) => str(r['alert_id']))),
      victims,
      blocks,
    };
  }

  private async blocks(alertId: string, entityType: string, entity: string, since: number): Promise<AlertDetail['blocks']> {
    const decisions = await this.rows(blocksSql(alertId, entityType, entity, since));
    if (decisions.length === 0) return [];
    const deliveries = await this.rows(deliveriesSql(decisions.map((d) => str(d['decision_id']))));
    return decisions.map((d) => ({
      decision_id: str(d['decision_id']), ts: num(d['ts']), action: str(d['action']), result: str(d['result']), reason: str(d['reason']),
      expires_at: num(d['expires_at']), dry_run: num(d['dry_run']) === 1,
      deliveries: deliveries.filter((x) => str(x['decision_id']) === str(d['decision_id']))
        .map((x) => ({ target: str(x['target']), result: str(x['result']), attempts: num(x['attempts']), status: num(x['status']) })),
    }));
  }

  /** Appends one triage event carrying the whole new state; its ts stays after the alert's previous event. */
  async appendTriage(alertId: string, state: Triage & { ts: number }, action: TriageAction, by: Principal): Promise<void> {
    await this.insert('alert_triage', TRIAGE_COLUMNS, [{
      event_id: randomUUID(), alert_id: alertId, ts: state.ts, actor: by.name, role: by.role, action, status: state.status,
      assignee: state.assignee ?? '', verdict: state.verdict ?? '', comment: state.comment ?? '',
      event_date: utcDate(state.ts), inserted_at: utcDateTime(this.now()),
    }]);
  }

  async audit(e: AuditEntry): Promise<void> {
    const ts = this.now();
    await this.insert('soc_audit', AUDIT_COLUMNS, [{
      event_id: randomUUID(), ts, actor: e.actor.name, role: e.actor.role, action: e.action, target: e.target, format: e.format,
      rows: e.rows, detail: JSON.stringify(e.detail), event_date: utcDate(ts), inserted_at: utcDateTime(ts),
    }]);
  }

  async verdicts(from: number | undefined, to: number | undefined): Promise<VerdictLabel[]> {
    return (await this.rows(verdictsSql(from, to))).map((r) => ({
      entity_type: str(r['entity_type']), entity: str(r['entity']), verdict: str(r['verdict']), rule_id: str(r['rule_id']),
      alert_id: str(r['alert_id']), closed_at: num(r['closed_at']), closed_by: str(r['closed_by']),
    }));
  }

  /**
   * Now on the scale of `inserted_at`: writers send it as UTC text and the server reads that text in
   * its own time zone, so "now" is read the same way (a server not on UTC shifts both alike).
   */
  async serverNowSeconds(): Promise<number> {
    const [r] = await this.rows(`SELECT toUInt32(toDateTime(${sqlString(utcDateTime(this.now()))})) AS now`);
    return num(r?.['now']);
  }

  /** Alerts inserted or triaged at or after `sinceSeconds`, oldest change first, with the newest change's time. */
  async changedSince(sinceSeconds: number, limit: number): Promise<{ ids: string[]; newest: number }> {
    const rows = await this.rows(changedAlertIdsSql(sinceSeconds, limit));
    return { ids: rows.map((r) => str(r['alert_id'])), newest: rows.reduce((m, r) => Math.max(m, num(r['at'])), 0) };
  }

  close(): Promise<void> {
    this.closing ??= this.client.close();
    return this.closing;
  }
}
