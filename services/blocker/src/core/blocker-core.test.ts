import { describe, expect, it } from 'vitest';
import type { Plan } from './blocker-core.js';
import { HOUR, MIN, SEC, T0, alert, testCore, testPolicy } from './fixtures.test-support.js';

const summary = (plans: Plan[]): string[] => plans.map((p) => `${p.decision.action}/${p.decision.result}/${p.decision.reason.split(':')[0]}`);

describe('BlockerCore: one alert', () => {
  const cases: { name: string; patch: Parameters<typeof alert>[0]; expected: string; hook?: string }[] = [
    { name: 'HIGH from a blocking rule blocks the origin', patch: {}, expected: 'block/acted/new_block', hook: 'block' },
    { name: 'MEDIUM from the same rule only notifies', patch: { severity: 'MEDIUM' }, expected: 'notify/acted/alert', hook: 'notify' },
    { name: 'a severity the rule does not map does nothing', patch: { severity: 'LOW' }, expected: 'none/skipped/no_policy_action' },
    { name: 'an unknown rule falls back to "*"', patch: { rule_id: 'new-rule', severity: 'CRITICAL' }, expected: 'notify/acted/alert', hook: 'notify' },
    { name: 'an unknown rule at a severity "*" does not map does nothing', patch: { rule_id: 'new-rule', severity: 'HIGH' }, expected: 'none/skipped/no_policy_action' },
    { name: 'a divert rule diverts', patch: { rule_id: 'cli-rotation-trunk' }, expected: 'divert/acted/new_block', hook: 'divert' },
    { name: 'an allowlisted trunk is never blocked', patch: { entity: 'bank-callcentre' }, expected: 'block/skipped/allowlisted' },
    { name: 'an emergency short code is never blocked', patch: { entity_type: 'calling_number', entity: '999' }, expected: 'block/skipped/emergency_number' },
    { name: 'an emergency number in E.164 is never blocked', patch: { entity_type: 'calling_number', entity: '+44 999' }, expected: 'block/skipped/emergency_number' },
    { name: 'an international-prefix emergency number is never blocked', patch: { entity_type: 'calling_number', entity: '0044999' }, expected: 'block/skipped/emergency_number' },
    { name: 'a victim (called_number) is notified, never blocked', patch: { rule_id: 'victim-blocker-bug', entity_type: 'called_number', entity: '+447700900001' }, expected: 'notify/acted/alert', hook: 'notify' },
    { name: 'the OTP takeover rule notifies about the victim', patch: { rule_id: 'otp-after-suspicious-call', severity: 'CRITICAL', entity_type: 'called_number', entity: '+447700900001' }, expected: 'notify/acted/alert', hook: 'notify' },
    { name: 'an alert whose block would already have lapsed is stale', patch: { ts: T0 - 2 * HOUR }, expected: 'block/skipped/stale_alert' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const core = testCore();
      const plans = core.onAlert(alert(c.patch), T0 + SEC);
      expect(summary(plans)).toEqual([c.expected]);
      expect(plans[0]?.action?.action).toBe(c.hook);
      expect(core.book.size).toBe(c.hook === 'block' || c.hook === 'divert' ? 1 : 0);
    });
  }

  it('builds the hook body from the alert, with a deterministic idempotency key', () => {
    const [plan] = testCore().onAlert(alert(), T0 + SEC);
    expect(plan?.action).toMatchObject({
      version: 1, action: 'block', entity_type: 'ingress_trunk', entity: 'nl-voip-03', reason_code: 'new_block', rule_id: 'dno-spoofed-cli-trunk',
      severity: 'HIGH', alert_id: 'a1', block_epoch: T0, issued_at: T0 + SEC, expires_at: T0 + HOUR, announcement: null,
    });
    const [again] = testCore().onAlert(alert(), T0 + 5 * SEC);
    expect(again?.action?.idempotency_key).toBe(plan?.action?.idempotency_key);
    expect(plan?.action?.idempotency_key).toMatch(/^tf-[0-9a-f]{32}$/);
  });

  it('diverts to the rule\'s announcement and uses the rule\'s expiry', () => {
    const [plan] = testCore().onAlert(alert({ rule_id: 'cli-rotation-trunk' }), T0);
    expect(plan?.action).toMatchObject({ action: 'divert', announcement: 'fraud-warning', expires_at: T0 + 30 * MIN });
  });

  it('counts an alert dated in the future from now, not from its own time', () => {
    const [plan] = testCore().onAlert(alert({ ts: T0 + 10 * MIN }), T0);
    expect(plan?.action?.expires_at).toBe(T0 + HOUR);
  });
});

describe('BlockerCore: repeats, extension, expiry', () => {
  it('an iSpoof-style stream of alerts on one trunk gives exactly one block', () => {
    const core = testCore();
    const stream = [
      alert({ alert_id: 'a1', severity: 'HIGH', ts: T0 }),
      alert({ alert_id: 'a1', severity: 'CRITICAL', ts: T0 + 30 * SEC }), // escalation of the same alert
      alert({ alert_id: 'a2', rule_id: 'cli-rotation-trunk', ts: T0 + MIN }), // another rule, same origin
      alert({ alert_id: 'a1', severity: 'CRITICAL', ts: T0 + 30 * SEC }), // replay
    ];
    const plans = stream.flatMap((a, i) => core.onAlert(a, T0 + i * SEC));
    expect(summary(plans)).toEqual(['block/acted/new_block', 'block/skipped/duplicate_alert', 'divert/skipped/already_blocked', 'block/skipped/duplicate_alert']);
    expect(plans.filter((p) => p.action)).toHaveLength(1);
  });

  it('a repeat alert extends the block (once it moves the expiry by the minimum step) instead of stacking one', () => {
    const core = testCore();
    const [first] = core.onAlert(alert({ alert_id: 'a1', ts: T0 }), T0);
    expect(summary(core.onAlert(alert({ alert_id: 'a2', ts: T0 + 5 * MIN }), T0 + 5 * MIN))).toEqual(['block/skipped/already_blocked']);
    const [ext] = core.onAlert(alert({ alert_id: 'a3', ts: T0 + 20 * MIN }), T0 + 20 * MIN);
    expect(ext?.decision).toMatchObject({ action: 'extend', result: 'extended', expires_at: T0 + 20 * MIN + HOUR });
    expect(ext?.action).toMatchObject({ action: 'extend', block_epoch: T0, expires_at: T0 + 20 * MIN + HOUR });
    expect(ext?.action?.idempotency_key).not.toBe(first?.action?.idempotency_key);
    expect(core.book.size).toBe(1);
    expect(core.book.get('ingress_trunk', 'nl-voip-03')?.expiresAt).toBe(T0 + 20 * MIN + HOUR);
  });

  it('lifts a block when it expires, then a new alert opens a new block with a new key', () => {
    const core = testCore();
    const [first] = core.onAlert(alert({ ts: T0 }), T0);
    expect(core.expire(T0 + HOUR - 1)).toEqual([]);
    const lifted = core.expire(T0 + HOUR);
    expect(summary(lifted)).toEqual(['unblock/lifted/expired']);
    expect(lifted[0]?.action).toMatchObject({ action: 'unblock', reason_code: 'expired', block_epoch: T0, expires_at: T0 + HOUR });
    expect(core.book.size).toBe(0);
    const [again] = core.onAlert(alert({ alert_id: 'a9', ts: T0 + HOUR + MIN }), T0 + HOUR + MIN);
    expect(again?.decision.result).toBe('acted');
    expect(again?.action?.idempotency_key).not.toBe(first?.action?.idempotency_key);
  });

  it('notifies once per alert id', () => {
    const core = testCore();
    const a = alert({ severity: 'MEDIUM' });
    expect(summary([...core.onAlert(a, T0), ...core.onAlert(a, T0 + SEC), ...core.onAlert(alert({ severity: 'MEDIUM', alert_id: 'b' }), T0)]))
      .toEqual(['notify/acted/alert', 'notify/skipped/duplicate_alert', 'notify/acted/alert']);
  });

  it('takes back a block that reached no receiver, so the next alert tries again', () => {
    const core = testCore();
    const [plan] = core.onAlert(alert(), T0);
    core.settle(plan as Plan, false);
    expect(core.book.size).toBe(0);
    expect(summary(core.onAlert(alert(), T0 + SEC))).toEqual(['block/acted/new_block']);
  });

  it('an operator lift suppresses re-blocking by alerts it already covered, not by later ones', () => {
    const core = testCore();
    core.onAlert(alert({ ts: T0 }), T0);
    const lift = core.lift('ingress_trunk', 'nl-voip-03', T0 + MIN, 'alice');
    expect(lift.decision).toMatchObject({ action: 'unblock', result: 'lifted', reason: 'operator: lifted by alice' });
    expect(lift.action?.reason_code).toBe('operator');
    expect(summary(core.onAlert(alert({ ts: T0 }), T0 + 2 * MIN))).toEqual(['block/skipped/lifted_by_operator']);
    expect(summary([core.lift('ingress_trunk', 'nl-voip-03', T0 + 2 * MIN, 'alice')])).toEqual(['unblock/skipped/not_active']);
    expect(summary(core.onAlert(alert({ alert_id: 'later', ts: T0 + 2 * HOUR }), T0 + 2 * HOUR))).toEqual(['block/acted/new_block']);
  });
});

describe('BlockerCore: breaker, pause, dry-run, journal', () => {
  it('trips on a mass-blocking rule and blocks nothing further until reset', () => {
    const core = testCore({ breakerMaxPerMinute: 3 });
    const results = Array.from({ length: 6 }, (_, i) => core.onAlert(alert({ alert_id: `m${i}`, entity: `trunk-${i}` }), T0 + i * SEC));
    expect(results.map(summary)).toEqual([
      ['block/acted/new_block'], ['block/acted/new_block'], ['block/acted/new_block'],
      ['block/skipped/breaker_tripped', 'breaker_trip/acted/breaker_tripped'],
      ['block/skipped/breaker_open'], ['block/skipped/breaker_open'],
    ]);
    // Still open long after the minute: no automatic recovery.
    expect(summary(core.onAlert(alert({ alert_id: 'x', entity: 'trunk-x', ts: T0 + HOUR }), T0 + HOUR))).toEqual(['block/skipped/breaker_open']);
    // Notifications are not blocking: they go on.
    expect(summary(core.onAlert(alert({ alert_id: 'n', severity: 'MEDIUM', entity: 'trunk-n' }), T0 + 10 * SEC))).toEqual(['notify/acted/alert']);
    expect(summary([core.resetBreaker(T0 + HOUR, 'bob')])).toEqual(['breaker_reset/acted/operator']);
    expect(summary(core.onAlert(alert({ alert_id: 'y', entity: 'trunk-y', ts: T0 + HOUR }), T0 + HOUR))).toEqual(['block/acted/new_block']);
  });

  it('duplicates and extensions do not count towards the breaker', () => {
    const core = testCore({ breakerMaxPerMinute: 1 });
    core.onAlert(alert(), T0);
    for (let i = 0; i < 5; i++) expect(summary(core.onAlert(alert(), T0 + i))).toEqual(['block/skipped/duplicate_alert']);
    expect(core.breaker.state.kind).toBe('closed');
  });

  it('pause holds new blocks and extensions, resume lets them through', () => {
    const core = testCore();
    core.pause(T0, 'carol');
    expect(summary(core.onAlert(alert(), T0))).toEqual(['block/skipped/paused']);
    core.resume(T0 + SEC, 'carol');
    expect(summary(core.onAlert(alert(), T0 + SEC))).toEqual(['block/acted/new_block']);
    core.pause(T0 + 2 * SEC, 'carol');
    expect(summary(core.onAlert(alert({ alert_id: 'later', ts: T0 + 30 * MIN }), T0 + 30 * MIN))).toEqual(['block/skipped/paused']);
  });

  it('dry-run decides exactly the same, flagged, so it can record everything', () => {
    const live = testCore();
    const dry = testCore({ dryRun: true });
    const stream = [alert(), alert(), alert({ entity: 'bank-callcentre' }), alert({ alert_id: 'z', severity: 'MEDIUM' })];
    const a = stream.flatMap((x) => live.onAlert(x, T0));
    const b = stream.flatMap((x) => dry.onAlert(x, T0));
    expect(summary(b)).toEqual(summary(a));
    expect(b.every((p) => p.decision.dry_run)).toBe(true);
    expect(dry.status(T0).activeBlocks.map((x) => x.dryRun)).toEqual([true]);
  });

  it('rebuilds active blocks, extensions, lifts and notifications from the journal', () => {
    const before = testCore();
    const journal = [
      ...before.onAlert(alert({ alert_id: 'k1', entity: 'kept' }), T0),
      ...before.onAlert(alert({ alert_id: 'k1', entity: 'kept', ts: T0 + 20 * MIN }), T0 + 20 * MIN),
      ...before.onAlert(alert({ alert_id: 'g1', entity: 'gone' }), T0),
      before.lift('ingress_trunk', 'gone', T0 + MIN, 'op'),
      ...before.onAlert(alert({ alert_id: 'n1', severity: 'MEDIUM' }), T0),
    ].flatMap((p) => (p.action ? [p.action] : []));
    const after = testCore();
    for (const a of journal) after.restore(a);
    expect(after.book.list().map((b) => [b.entity, b.expiresAt])).toEqual([['kept', T0 + 20 * MIN + HOUR]]);
    expect(summary(after.onAlert(alert({ alert_id: 'k1', entity: 'kept', ts: T0 + 20 * MIN }), T0 + 21 * MIN))).toEqual(['block/skipped/duplicate_alert']);
    expect(summary(after.onAlert(alert({ alert_id: 'g1', entity: 'gone' }), T0 + 2 * MIN))).toEqual(['block/skipped/lifted_by_operator']);
    expect(summary(after.onAlert(alert({ alert_id: 'n1', severity: 'MEDIUM' }), T0 + 2 * MIN))).toEqual(['notify/skipped/duplicate_alert']);
  });

  it('emergency numbers can be configured, including prefixes', () => {
    const core = testCore({ policy: testPolicy({ emergency_numbers: ['+4499*', '112'] }) });
    expect(summary(core.onAlert(alert({ entity_type: 'calling_number', entity: '+44991234' }), T0))).toEqual(['block/skipped/emergency_number']);
    expect(summary(core.onAlert(alert({ entity_type: 'calling_number', entity: '999' }), T0))).toEqual(['block/acted/new_block']);
  });
});
