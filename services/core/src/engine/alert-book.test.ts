import { describe, expect, it } from 'vitest';
import { alertId } from '../alert-identity.js';
import { T0 } from '../test-support/call-builder.js';
import { firing } from '../test-support/fixtures.js';
import { AlertBook } from './alert-book.js';

const MIN = 60_000;

describe('AlertBook lifecycle', () => {
  it('a campaign firing on every event yields one alert, re-emitted only when its value doubles', () => {
    const book = new AlertBook(true);
    const emitted = [];
    for (let i = 1; i <= 100; i++) emitted.push(...book.fire(firing({ value: i, ts: T0 + i * 1_000 })).alerts);
    expect(emitted.map((a) => a.value)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(new Set(emitted.map((a) => a.alert_id))).toEqual(new Set([alertId('r1', 'ingress_trunk', 'trunk-x', T0)]));
    // `ts` stays the first firing (detection time); the value and window move on.
    expect(emitted.at(-1)).toMatchObject({ ts: T0 + 1_000, value: 64, window_start: T0, severity: 'MEDIUM' });
    expect(book.openAlerts).toBe(1);
  });

  it('returns the created alert only the first time', () => {
    const book = new AlertBook(false);
    const first = book.fire(firing({ value: 5 }));
    expect(first.created).toBe(first.alerts[0]);
    const again = book.fire(firing({ value: 6, ts: T0 + 1 }));
    expect(again).toEqual({ alerts: [], created: undefined });
  });

  it.each([
    ['a new period', { ts: T0 + 15 * MIN }, true],
    ['the last ms of the period', { ts: T0 + 15 * MIN - 1 }, false],
    ['another entity', { entity: 'trunk-y' }, true],
    ['another rule', { ruleId: 'r2' }, true],
    ['another entity type', { entityType: 'calling_number' }, true],
  ] as const)('%s → new alert id: %s', (_why, patch, isNew) => {
    const book = new AlertBook(false);
    const a = book.fire(firing({ value: 10 })).created!;
    const b = book.fire(firing({ value: 10, ...patch }));
    expect(b.created !== undefined).toBe(isNew);
    if (isNew) expect(b.created!.alert_id).not.toBe(a.alert_id);
  });

  it('the id is the deterministic alert id of rule, entity and period, whatever the order of firings', () => {
    const ids = (order: number[]) => {
      const book = new AlertBook(true);
      return order.map((i) => book.fire(firing({ ts: T0 + i * MIN, value: 1 })).created?.alert_id).filter(Boolean).sort();
    };
    expect(ids([1, 16, 31])).toEqual(ids([31, 1, 16]));
    expect(ids([1, 16])).toEqual([alertId('r1', 'ingress_trunk', 'trunk-x', T0), alertId('r1', 'ingress_trunk', 'trunk-x', T0 + 15 * MIN)].sort());
  });

  it('escalates one step per agreeing rule on the same entity, up to CRITICAL', () => {
    const book = new AlertBook(true);
    const a = book.fire(firing({ ruleId: 'r1', severity: 'LOW', value: 1, ts: T0 }));
    expect(a.alerts.map((x) => [x.rule_id, x.severity])).toEqual([['r1', 'LOW']]);
    const b = book.fire(firing({ ruleId: 'r2', severity: 'LOW', value: 1, ts: T0 + MIN }));
    expect(b.alerts.map((x) => [x.rule_id, x.severity])).toEqual([['r2', 'MEDIUM'], ['r1', 'MEDIUM']]);
    const c = book.fire(firing({ ruleId: 'r3', severity: 'MEDIUM', value: 1, ts: T0 + 2 * MIN }));
    expect(c.alerts.map((x) => [x.rule_id, x.severity])).toEqual([['r3', 'CRITICAL'], ['r1', 'HIGH'], ['r2', 'HIGH']]);
    // r1 firing again (3 agreeing) raises its own alert to its base + 2 without waiting for growth.
    const d = book.fire(firing({ ruleId: 'r1', severity: 'LOW', value: 1, ts: T0 + 3 * MIN }));
    expect(d.alerts.map((x) => [x.rule_id, x.severity])).toEqual([]);
  });

  it('a rule already near the top still raises the others by the full agreement', () => {
    const book = new AlertBook(true);
    book.fire(firing({ ruleId: 'm1', severity: 'MEDIUM', ts: T0 }));
    book.fire(firing({ ruleId: 'm2', severity: 'MEDIUM', ts: T0 + 1 }));
    // Three rules agree: every alert on the entity is its base + 2. The HIGH one is capped at CRITICAL,
    // but the MEDIUM ones must still reach CRITICAL too.
    const out = book.fire(firing({ ruleId: 'h', severity: 'HIGH', ts: T0 + 2 }));
    expect(Object.fromEntries(out.alerts.map((x) => [x.rule_id, x.severity]))).toEqual({ h: 'CRITICAL', m1: 'CRITICAL', m2: 'CRITICAL' });
  });

  it('does not escalate when disabled, across entities, or with agreement older than 15 minutes', () => {
    const off = new AlertBook(false);
    off.fire(firing({ ruleId: 'r1' }));
    expect(off.fire(firing({ ruleId: 'r2', ts: T0 + 1 })).alerts.map((a) => a.severity)).toEqual(['MEDIUM']);

    const other = new AlertBook(true);
    other.fire(firing({ ruleId: 'r1', entity: 'a' }));
    expect(other.fire(firing({ ruleId: 'r2', entity: 'b', ts: T0 + 1 })).alerts.map((a) => a.severity)).toEqual(['MEDIUM']);

    const stale = new AlertBook(true);
    stale.fire(firing({ ruleId: 'r1', ts: T0 }));
    expect(stale.fire(firing({ ruleId: 'r2', ts: T0 + 15 * MIN + 1 })).alerts.map((a) => a.severity)).toEqual(['MEDIUM']);
  });

  it('judges agreement by event time, whatever order partitions deliver the firings in', () => {
    // Two rules an hour apart on one entity: no agreement, read in order or with the later firing
    // first (its partition ran ahead). A firing from the future used to count as agreeing.
    const severities = (order: { ruleId: string; ts: number }[]): string[] => {
      const book = new AlertBook(true);
      return order.flatMap((f) => book.fire(firing(f)).alerts.map((a) => `${a.rule_id}:${a.severity}`)).sort();
    };
    const early = { ruleId: 'r1', ts: T0 };
    const late = { ruleId: 'r2', ts: T0 + 60 * MIN };
    expect(severities([early, late])).toEqual(['r1:MEDIUM', 'r2:MEDIUM']);
    expect(severities([late, early])).toEqual(['r1:MEDIUM', 'r2:MEDIUM']);
    // Ten minutes apart they agree in either order, and both alerts end one step up.
    const near = { ruleId: 'r2', ts: T0 + 10 * MIN };
    const final = (order: { ruleId: string; ts: number }[]): Record<string, string> => {
      const book = new AlertBook(true);
      const last: Record<string, string> = {};
      for (const f of order) for (const a of book.fire(firing(f)).alerts) last[a.rule_id] = a.severity;
      return last;
    };
    expect(final([early, near])).toEqual({ r1: 'HIGH', r2: 'HIGH' });
    expect(final([near, early])).toEqual({ r1: 'HIGH', r2: 'HIGH' });
  });

  it('sweeps alerts two periods after their period started', () => {
    const book = new AlertBook(true);
    book.fire(firing({ ts: T0 }));
    book.sweep(T0 + 30 * MIN);
    expect(book.openAlerts).toBe(1);
    book.sweep(T0 + 30 * MIN + 1);
    expect(book.openAlerts).toBe(0);
  });
});
