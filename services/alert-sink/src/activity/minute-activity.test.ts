import { describe, expect, it } from 'vitest';
import type { CallEvent } from '@telfraud/core';
import { MinuteActivity, isActivityField, minuteOf, type ActivityRow } from './minute-activity.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

function call(type: CallEvent['type'], ts: number, trunk: string, caller: string): CallEvent {
  return {
    event_id: `${type}-${ts}-${trunk}-${caller}`, call_id: `c-${ts}`, type, ts, calling_number: caller, called_number: '+447700900001',
    ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C', duration_ms: null, sip_code: null,
  };
}

const sorted = (rows: ActivityRow[]): ActivityRow[] =>
  [...rows].sort((a, b) => a.entity_type.localeCompare(b.entity_type) || a.entity.localeCompare(b.entity) || a.minute - b.minute);

describe('minuteOf', () => {
  it.each([
    ['the start of a minute', T0, T0],
    ['a millisecond into it', T0 + 1, T0],
    ['its last millisecond', T0 + 59_999, T0],
    ['the next minute', T0 + 60_000, T0 + 60_000],
    ['before the epoch', -1, -60_000],
  ])('%s', (_what, ts, minute) => {
    expect(minuteOf(ts)).toBe(minute);
  });
});

describe('MinuteActivity', () => {
  it('counts STARTs as attempts and ANSWERs as answered, per field, value and minute of event time', () => {
    const activity = new MinuteActivity(['ingress_trunk', 'calling_number']);
    activity.add(call('START', T0 + 5_000, 'T1', '+441'));
    activity.add(call('ANSWER', T0 + 9_000, 'T1', '+441'));
    activity.add(call('END', T0 + 30_000, 'T1', '+441'));
    activity.add(call('START', T0 + 59_999, 'T1', '+442'));
    activity.add(call('START', T0 + 60_000, 'T1', '+441'));
    activity.add(call('START', T0 + 61_000, 'T2', '+441'));
    expect(activity.size).toBe(6);
    expect(sorted(activity.take())).toEqual([
      { entity_type: 'calling_number', entity: '+441', minute: T0, attempts: 1, answered: 1 },
      { entity_type: 'calling_number', entity: '+441', minute: T0 + 60_000, attempts: 2, answered: 0 },
      { entity_type: 'calling_number', entity: '+442', minute: T0, attempts: 1, answered: 0 },
      { entity_type: 'ingress_trunk', entity: 'T1', minute: T0, attempts: 2, answered: 1 },
      { entity_type: 'ingress_trunk', entity: 'T1', minute: T0 + 60_000, attempts: 1, answered: 0 },
      { entity_type: 'ingress_trunk', entity: 'T2', minute: T0 + 60_000, attempts: 1, answered: 0 },
    ]);
  });

  it('counts late and out-of-order events in the minute they happened', () => {
    const activity = new MinuteActivity(['ingress_trunk']);
    activity.add(call('START', T0 + 120_500, 'T1', '+441'));
    activity.add(call('START', T0 + 10, 'T1', '+441'));
    activity.add(call('ANSWER', T0 + 120_900, 'T1', '+441'));
    activity.add(call('START', T0 + 20, 'T1', '+441'));
    expect(sorted(activity.take())).toEqual([
      { entity_type: 'ingress_trunk', entity: 'T1', minute: T0, attempts: 2, answered: 0 },
      { entity_type: 'ingress_trunk', entity: 'T1', minute: T0 + 120_000, attempts: 1, answered: 1 },
    ]);
  });

  it('makes no row for END events and only keys on the configured fields', () => {
    const activity = new MinuteActivity(['ingress_country']);
    activity.add(call('END', T0, 'T1', '+441'));
    expect(activity.size).toBe(0);
    activity.add(call('START', T0, 'T1', '+441'));
    activity.add(call('START', T0, 'T2', '+442'));
    expect(activity.take()).toEqual([{ entity_type: 'ingress_country', entity: 'GB', minute: T0, attempts: 2, answered: 0 }]);
  });

  it('starts afresh after take(): later counts are partial rows the table adds up', () => {
    const activity = new MinuteActivity(['ingress_trunk']);
    activity.add(call('START', T0, 'T1', '+441'));
    expect(activity.take()).toEqual([{ entity_type: 'ingress_trunk', entity: 'T1', minute: T0, attempts: 1, answered: 0 }]);
    expect(activity.size).toBe(0);
    expect(activity.take()).toEqual([]);
    activity.add(call('ANSWER', T0 + 1, 'T1', '+441'));
    expect(activity.take()).toEqual([{ entity_type: 'ingress_trunk', entity: 'T1', minute: T0, attempts: 0, answered: 1 }]);
  });

  it('refuses an empty field list', () => {
    expect(() => new MinuteActivity([])).toThrow(RangeError);
  });
});

describe('isActivityField', () => {
  it.each([['ingress_trunk', true], ['calling_number', true], ['called_number', true], ['call_id', false], ['ts', false], ['', false]])('%s → %s', (name, ok) => {
    expect(isActivityField(name)).toBe(ok);
  });
});
