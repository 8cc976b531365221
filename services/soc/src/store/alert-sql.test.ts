import { sqlString } from '@telfraud/common';
import { describe, expect, it } from 'vitest';
import type { AlertFilters } from '../api/alert-filters.js';
import { alertListSql, alertsByIdSql, relatedIdsSql, verdictsSql } from './alert-sql.js';
import { queueWindows } from './queue-windows.js';

const filters = (patch: Partial<AlertFilters> = {}): AlertFilters => ({
  rules: [], severities: [], statuses: [], entity: undefined, entityType: undefined, from: undefined, to: undefined, limit: 50, cursor: undefined, ...patch,
});

const HOSTILE = "x' OR 1=1 --\\";

describe('alert SQL', () => {
  it('quotes every free-text value with sqlString, nowhere raw', () => {
    const sql = alertListSql(filters({ rules: [HOSTILE], entity: HOSTILE, entityType: HOSTILE, cursor: { ts: 5, alertId: HOSTILE } }));
    const quoted = sqlString(HOSTILE);
    expect(sql.split(quoted).length - 1).toBe(4);
    expect(sql.replaceAll(quoted, '').includes("x'")).toBe(false);
    expect(alertsByIdSql([HOSTILE]).replaceAll(quoted, '').includes("x'")).toBe(false);
    const related = relatedIdsSql({ alertId: HOSTILE, ts: 1e12, entityType: HOSTILE, entity: HOSTILE, evidence: [HOSTILE] }, 10);
    expect(related.replaceAll(quoted, '').includes("x'")).toBe(false);
  });

  it('filters inside FINAL only on what every version of an alert shares; severity and triage status outside', () => {
    const sql = alertListSql(filters({ rules: ['r'], severities: ['HIGH'], statuses: ['open'], entity: 'e', from: 1_000, to: 2_000 }));
    const inner = sql.slice(sql.indexOf('FROM alerts FINAL'), sql.indexOf('ANY LEFT JOIN'));
    for (const c of ["rule_id IN ('r')", "entity = 'e'", 'ts >= 1000', 'ts <= 2000', 'event_date >=']) expect(inner).toContain(c);
    expect(inner).not.toContain('severity IN');
    const outer = sql.slice(sql.lastIndexOf(') AS t USING alert_id)'));
    expect(outer).toContain("severity IN ('HIGH')");
    expect(outer).toContain("status IN ('open')");
    expect(sql).toContain('LIMIT 51');
  });

  it('keeps the event_date bounds a day wider than the asked time range', () => {
    const sql = verdictsSql(Date.UTC(2026, 10, 30, 0, 30), Date.UTC(2026, 10, 30, 23, 30));
    expect(sql).toContain("event_date >= toDate('2026-11-29')");
    expect(sql).toContain("event_date <= toDate('2026-12-01')");
  });
});

describe('queueWindows', () => {
  const DAY = 86_400_000;
  const now = 1_000 * DAY;
  it('tries a day, a week, a month, then what was asked', () => {
    expect(queueWindows(filters(), now)).toEqual([now - DAY, now - 7 * DAY, now - 30 * DAY, undefined]);
    expect(queueWindows(filters({ from: now - 3 * DAY }), now)).toEqual([now - DAY, now - 3 * DAY]);
    expect(queueWindows(filters({ cursor: { ts: now - 100 * DAY, alertId: 'a' } }), now)).toEqual([now - 101 * DAY, now - 107 * DAY, now - 130 * DAY, undefined]);
    expect(queueWindows(filters({ from: now - DAY / 2 }), now)).toEqual([now - DAY / 2]);
    expect(queueWindows(filters({ entity: 'trunk-1' }), now)).toEqual([undefined]);
  });
});
