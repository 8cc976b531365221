import type { Alert } from '@telfraud/core';

export interface RuleSummaryRow {
  rule_id: string;
  alerts: number;
  entities: number;
  first_firing_ts: number;
}

/** Per-rule backtest summary: how many alerts, on how many distinct entities, first firing time. */
export function summariseByRule(alerts: Iterable<Alert>, ruleIds: string[], firstFiring?: ReadonlyMap<string, number>): RuleSummaryRow[] {
  const rows = new Map<string, { alerts: number; entities: Set<string>; first: number }>();
  for (const id of ruleIds) rows.set(id, { alerts: 0, entities: new Set(), first: Number.POSITIVE_INFINITY });
  for (const a of alerts) {
    const row = rows.get(a.rule_id) ?? { alerts: 0, entities: new Set<string>(), first: Number.POSITIVE_INFINITY };
    row.alerts++;
    row.entities.add(`${a.entity_type}:${a.entity}`);
    row.first = Math.min(row.first, firstFiring?.get(a.alert_id) ?? a.ts);
    rows.set(a.rule_id, row);
  }
  return [...rows].map(([rule_id, r]) => ({ rule_id, alerts: r.alerts, entities: r.entities.size, first_firing_ts: Number.isFinite(r.first) ? r.first : 0 }));
}

export function formatRuleSummary(rows: RuleSummaryRow[]): string {
  const header = ['rule', 'alerts', 'entities', 'first firing (UTC)'];
  const body = rows.map((r) => [r.rule_id, String(r.alerts), String(r.entities), r.first_firing_ts ? new Date(r.first_firing_ts).toISOString() : '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}
