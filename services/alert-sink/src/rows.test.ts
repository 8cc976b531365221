import { describe, expect, it } from 'vitest';
import { utcDate, utcDateTime } from '@telfraud/common';
import { ALERT_COLUMNS, VICTIM_COLUMNS, toAlertRow, toVictimRow } from './rows.js';

const TS = Date.UTC(2026, 10, 20, 23, 59, 59, 999);

describe('rows', () => {
  it('formats dates in UTC as ClickHouse reads them', () => {
    expect(utcDate(TS)).toBe('2026-11-20');
    expect(utcDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02 03:04:05');
  });

  it('maps an alert to a row carrying every column of fraud.alerts', () => {
    const row = toAlertRow({
      alert_id: 'a1', rule_id: 'r', severity: 'LOW', entity_type: 'ingress_trunk', entity: 't', window_start: TS - 1, window_end: TS,
      ts: TS, value: 1, threshold: 0.5, summary: 's', evidence: ['c1'],
    }, Date.UTC(2026, 10, 21, 0, 0, 1));
    expect(Object.keys(row).sort()).toEqual([...ALERT_COLUMNS].sort());
    expect(row.event_date).toBe('2026-11-20');
    expect(row.inserted_at).toBe('2026-11-21 00:00:01');
  });

  it('maps a victim exposure to a row carrying every column of fraud.victim_exposures', () => {
    const row = toVictimRow({ victim_number: '+447700900123', entity_type: 'e', entity: 'x', alert_id: 'a', call_id: 'c', ts: TS, duration_ms: 70_000 }, TS);
    expect(Object.keys(row).sort()).toEqual([...VICTIM_COLUMNS].sort());
    expect(row.event_date).toBe('2026-11-20');
  });
});
