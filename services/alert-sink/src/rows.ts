import { utcDate, utcDateTime } from '@telfraud/common';
import type { Alert, VictimExposure } from '@telfraud/core';

/**
 * The JSONEachRow shapes of `fraud.alerts` and `fraud.victim_exposures`. Every column is sent:
 * ClickHouse 18.16 fills an omitted JSONEachRow column with a zero value, not its DEFAULT.
 */
export interface AlertRow extends Alert {
  /** 'YYYY-MM-DD' (UTC) of `ts`: the partition key. */
  event_date: string;
  /** 'YYYY-MM-DD hh:mm:ss' (UTC): when the row was written (diagnostics; the version decides which copy wins). */
  inserted_at: string;
  /** ReplacingMergeTree version: severity rank, then window_end; later states of an alert are higher. */
  version: number;
}

export interface VictimRow extends VictimExposure {
  event_date: string;
  inserted_at: string;
}

export const ALERT_COLUMNS = [
  'alert_id', 'rule_id', 'severity', 'entity_type', 'entity', 'window_start', 'window_end', 'ts',
  'value', 'threshold', 'summary', 'evidence', 'event_date', 'inserted_at', 'version',
] as const satisfies readonly (keyof AlertRow)[];

const SEVERITY_RANK: Record<AlertRow['severity'], number> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** An alert only escalates and moves forward in event time, so this orders its versions. */
export function alertVersion(alert: Pick<AlertRow, 'severity' | 'window_end'>): number {
  return SEVERITY_RANK[alert.severity] * 2 ** 42 + alert.window_end;
}

export const VICTIM_COLUMNS = [
  'victim_number', 'entity_type', 'entity', 'alert_id', 'call_id', 'ts', 'duration_ms', 'event_date', 'inserted_at',
] as const satisfies readonly (keyof VictimRow)[];

/** Rows headed for ClickHouse, one list per table. */
export interface SinkRows {
  alerts: AlertRow[];
  victims: VictimRow[];
}

export type SinkTable = 'alerts' | 'victim_exposures';

export function rowCount(rows: SinkRows): number {
  return rows.alerts.length + rows.victims.length;
}

export function toAlertRow(alert: Alert, insertedAtMs: number): AlertRow {
  return {
    alert_id: alert.alert_id,
    rule_id: alert.rule_id,
    severity: alert.severity,
    entity_type: alert.entity_type,
    entity: alert.entity,
    window_start: alert.window_start,
    window_end: alert.window_end,
    ts: alert.ts,
    value: alert.value,
    threshold: alert.threshold,
    summary: alert.summary,
    evidence: [...alert.evidence],
    event_date: utcDate(alert.ts),
    inserted_at: utcDateTime(insertedAtMs),
    version: alertVersion(alert),
  };
}

export function toVictimRow(victim: VictimExposure, insertedAtMs: number): VictimRow {
  return {
    victim_number: victim.victim_number,
    entity_type: victim.entity_type,
    entity: victim.entity,
    alert_id: victim.alert_id,
    call_id: victim.call_id,
    ts: victim.ts,
    duration_ms: victim.duration_ms,
    event_date: utcDate(victim.ts),
    inserted_at: utcDateTime(insertedAtMs),
  };
}
