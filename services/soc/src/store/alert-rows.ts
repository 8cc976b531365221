/** The API's shapes (the SOC HTTP API in the service's README) and how ClickHouse rows become them. */
import { SEVERITIES, type Alert, type Severity } from '@telfraud/core';

export { SEVERITIES, type Severity };
export const STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type TriageStatus = (typeof STATUSES)[number];
export const VERDICTS = ['true_positive', 'false_positive', 'benign'] as const;
export type Verdict = (typeof VERDICTS)[number];
export const TRIAGE_ACTIONS = ['acknowledge', 'assign', 'close', 'reopen', 'comment'] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** An alert of the contract (without its evidence) as the queue shows it, with its triage state. */
export interface AlertItem extends Omit<Alert, 'evidence'> {
  version: number;
  status: TriageStatus;
  assignee: string | null;
  verdict: string | null;
  triaged_at: number | null;
  victims: number;
}

export interface Triage {
  status: TriageStatus;
  assignee: string | null;
  verdict: string | null;
  comment: string | null;
  ts: number | null;
  actor: string | null;
}

export interface TriageEvent {
  ts: number;
  actor: string;
  role: string;
  action: string;
  status: string;
  assignee: string | null;
  verdict: string | null;
  comment: string | null;
}

export interface Victim {
  victim_number: string;
  first_exposure: number;
  last_exposure: number;
  longest_call_ms: number;
  calls: number;
  flagged_origins: string[];
  alert_ids: string[];
}

export type Row = Record<string, unknown>;

/** ClickHouse's JSON output quotes 64-bit integers; every number column goes through this. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const orNull = (v: unknown): string | null => (str(v) === '' ? null : str(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);

export function alertItemFromRow(r: Row, victims: number): AlertItem {
  const status = str(r['status']);
  const triagedAt = num(r['triaged_at']);
  return {
    alert_id: str(r['alert_id']), rule_id: str(r['rule_id']), severity: str(r['severity']) as Severity,
    entity_type: str(r['entity_type']), entity: str(r['entity']),
    window_start: num(r['window_start']), window_end: num(r['window_end']), ts: num(r['ts']),
    value: num(r['value']), threshold: num(r['threshold']), summary: str(r['summary']), version: num(r['version']),
    status: (STATUSES as readonly string[]).includes(status) ? (status as TriageStatus) : 'open',
    assignee: orNull(r['assignee']), verdict: orNull(r['verdict']), triaged_at: triagedAt === 0 ? null : triagedAt, victims,
  };
}

export function triageEventFromRow(r: Row): TriageEvent {
  return {
    ts: num(r['ts']), actor: str(r['actor']), role: str(r['role']), action: str(r['action']), status: str(r['status']),
    assignee: orNull(r['assignee']), verdict: orNull(r['verdict']), comment: orNull(r['comment']),
  };
}

export function victimFromRow(r: Row): Victim {
  return {
    victim_number: str(r['victim_number']), first_exposure: num(r['first_exposure']), last_exposure: num(r['last_exposure']),
    longest_call_ms: num(r['longest_call_ms']), calls: num(r['calls']),
    flagged_origins: strings(r['flagged_origins']).sort(), alert_ids: strings(r['alert_ids']).sort(),
  };
}

export { orNull, strings };
