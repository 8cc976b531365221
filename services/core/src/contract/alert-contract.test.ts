import { describe, expect, it } from 'vitest';
import { validateAlert } from './alert-contract.js';

const TS = Date.UTC(2026, 10, 20, 12, 0, 0);
const alert = {
  alert_id: 'a1', rule_id: 'dno', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 'trunk-9',
  window_start: TS - 60_000, window_end: TS, ts: TS, value: 3, threshold: 1, summary: '', evidence: ['c1'],
};

describe('validateAlert', () => {
  it('accepts a contract alert (an empty summary too)', () => {
    expect(validateAlert(alert)).toEqual({ ok: true, value: alert });
  });

  it.each([
    ['alert_id', { alert_id: '' }],
    ['alert_id', { alert_id: 'x'.repeat(257) }],
    ['severity', { severity: 'URGENT' }],
    ['window_start', { window_start: -1 }],
    ['window_end', { window_end: TS - 120_000 }],
    ['ts', { ts: 1.5 }],
    ['ts', { ts: Date.UTC(2200, 0, 1) }],
    ['value', { value: Number.NaN }],
    ['threshold', { threshold: Number.POSITIVE_INFINITY }],
    ['evidence', { evidence: 'c1' }],
    ['evidence.1', { evidence: ['c1', ''] }],
    ['evidence', { evidence: Array.from({ length: 1001 }, (_, i) => `c${i}`) }],
  ])('rejects a bad %s', (path, patch) => {
    const result = validateAlert({ ...alert, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violation.path).toBe(path);
  });

  it('rejects a non-object', () => {
    expect(validateAlert(null).ok).toBe(false);
  });
});
