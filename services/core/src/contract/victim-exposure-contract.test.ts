import { describe, expect, it } from 'vitest';
import { validateVictimExposure } from './victim-exposure-contract.js';

const TS = Date.UTC(2026, 10, 20, 12, 0, 0);
const victim = { victim_number: '+447700900123', entity_type: 'calling_number', entity: '+442071234567', alert_id: 'a1', call_id: 'c1', ts: TS, duration_ms: 61_000 };

describe('validateVictimExposure', () => {
  it('accepts a contract victim exposure', () => {
    expect(validateVictimExposure(victim)).toEqual({ ok: true, value: victim });
  });

  it.each([
    ['victim_number', { victim_number: '07700900123' }],
    ['call_id', { call_id: '' }],
    ['alert_id', { alert_id: 42 }],
    ['ts', { ts: 0 }],
    ['duration_ms', { duration_ms: -1 }],
    ['duration_ms', { duration_ms: 2.5 }],
  ])('rejects a bad %s', (path, patch) => {
    const result = validateVictimExposure({ ...victim, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.violation.path).toBe(path);
  });
});
