import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@telfraud/common';
import { ActionExecutor } from './action-executor.js';
import type { ActionDeadLetters, ActionJournal, DecidedAction, FinishedAction } from './adapters/action-journal.js';
import type { AuditStore, DeliveryRow } from './adapters/clickhouse-audit-writer.js';
import type { DeliveryResult } from './adapters/webhook-dispatcher.js';
import { WebhookDispatcher } from './adapters/webhook-dispatcher.js';
import { createBlockerMetrics } from './blocker-metrics.js';
import type { BlockerCore } from './core/blocker-core.js';
import type { BlockAction, Decision } from './core/decision.js';
import { alert, T0, testCore } from './core/fixtures.test-support.js';

/** Fakes for every port of the executor; `answers` says how each target fares. */
function harness(core: BlockerCore, answers: boolean[] | undefined, auditFailures = 0, logLines?: string[]) {
  const sent: BlockAction[] = [];
  const journal: BlockAction[] = [];
  /** Every journal write, in order; `sentBefore`: hooks called before a `decided` entry was written. */
  const entries: { kind: string; key: string; body?: string; target?: string; attempt?: number; sentBefore?: number }[] = [];
  const parked: { action: BlockAction; failures: readonly DeliveryResult[] }[] = [];
  const decisions: Decision[] = [];
  const deliveries: DeliveryRow[] = [];
  let failuresLeft = auditFailures;
  const dispatcher = answers && ({
    targets: answers.map((_, i) => `http://t${i}/`),
    deliver: async (a: BlockAction) => {
      sent.push(a);
      return answers.map((ok, i) => ({ target: `http://t${i}/`, targetLabel: `t${i}`, delivered: ok, attempts: ok ? 1 : 3, status: ok ? 200 : 503, error: ok ? '' : 'HTTP 503', durationMs: 5 }));
    },
  } as unknown as WebhookDispatcher);
  const audit: AuditStore = {
    write: async (d, r) => {
      if (failuresLeft-- > 0) throw new Error('clickhouse down');
      decisions.push(...d);
      deliveries.push(...r);
    },
    ping: async () => true,
    close: async () => undefined,
  };
  const metrics = createBlockerMetrics(new Registry(), () => core);
  const executor = new ActionExecutor({
    core, dispatcher, audit, metrics, logger: createLogger({ write: (line) => logLines?.push(line) }), now: () => T0, retryInitialMs: 1, retryMaxMs: 2,
    journal: {
      decide: async (a: readonly DecidedAction[]) => void entries.push(...a.map((d) => ({ kind: 'decided', key: d.action.idempotency_key, body: d.body, sentBefore: sent.length }))),
      attempt: async (a: BlockAction, target: string, attempt: number) => void entries.push({ kind: 'attempt', key: a.idempotency_key, target, attempt }),
      finish: async (a: readonly FinishedAction[]) => {
        entries.push(...a.map((f) => ({ kind: f.carriedOut ? 'carried-out' : 'failed', key: f.action.idempotency_key, body: f.body })));
        journal.push(...a.filter((f) => f.carriedOut).map((f) => f.action));
      },
    } as unknown as ActionJournal,
    deadLetters: {
      park: async (action: BlockAction, failures: readonly DeliveryResult[]) => void parked.push({ action, failures }),
    } as unknown as ActionDeadLetters,
  });
  return { executor, sent, journal, entries, parked, decisions, deliveries, metrics };
}

const signal = new AbortController().signal;

describe('ActionExecutor', () => {
  it('logs no entity (a calling number, say) at info level or above, whatever the outcome', async () => {
    const number = '+442071234567';
    for (const answers of [[true], [false]]) {
      const lines: string[] = [];
      const core = testCore();
      const h = harness(core, answers, 0, lines);
      await h.executor.execute(core.onAlert(alert({ entity_type: 'calling_number', entity: number }), T0), signal);
      expect(h.decisions.map((d) => [d.entity, d.result])).toEqual([[number, answers[0] ? 'acted' : 'failed']]);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((l) => l.includes('2071234567'))).toEqual([]);
    }
  });

  it('delivers, journals and audits an action that got through', async () => {
    const core = testCore();
    const h = harness(core, [true, true]);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.sent.map((a) => a.action)).toEqual(['block']);
    expect(h.journal.map((a) => a.action)).toEqual(['block']);
    expect(h.decisions.map((d) => d.result)).toEqual(['acted']);
    expect(h.deliveries.map((d) => [d.target, d.result, d.decision_id])).toEqual([['t0', 'delivered', h.decisions[0]?.decision_id], ['t1', 'delivered', h.decisions[0]?.decision_id]]);
  });

  it('records a partial failure as failed, dead-letters it, keeps the block and journals it', async () => {
    const core = testCore();
    const h = harness(core, [true, false]);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.decisions[0]).toMatchObject({ result: 'failed', reason: 'new_block; not delivered to t1' });
    expect(h.parked.map((p) => p.failures.map((f) => f.targetLabel))).toEqual([['t1']]);
    expect(h.journal).toHaveLength(1);
    expect(core.book.size).toBe(1);
  });

  it('takes a block back when no target accepted it, and does not journal it', async () => {
    const core = testCore();
    const h = harness(core, [false]);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.decisions[0]).toMatchObject({ result: 'failed', reason: 'new_block; not delivered to t0 (taken back)' });
    expect(h.journal).toEqual([]);
    expect(core.book.size).toBe(0);
  });

  it('dry-run sends nothing and journals nothing, but audits every decision', async () => {
    const core = testCore({ dryRun: true });
    const h = harness(core, [true]);
    await h.executor.execute([...core.onAlert(alert(), T0), ...core.onAlert(alert(), T0), ...core.onAlert(alert({ entity: 'bank-callcentre' }), T0)], signal);
    expect(h.sent).toEqual([]);
    expect(h.journal).toEqual([]);
    expect(h.decisions.map((d) => [d.action, d.result, d.dry_run])).toEqual([['block', 'acted', true], ['block', 'skipped', true], ['block', 'skipped', true]]);
    expect(core.book.size).toBe(1);
  });

  it('with no targets, the action topic alone carries the action', async () => {
    const core = testCore();
    const h = harness(core, undefined);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.journal.map((a) => a.action)).toEqual(['block']);
    expect(h.decisions[0]?.result).toBe('acted');
  });

  it('retries the audit until it is stored', async () => {
    const core = testCore();
    const h = harness(core, [true], 3);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.decisions).toHaveLength(1);
    expect((await h.metrics.auditFailures.get()).values[0]?.value).toBe(3);
  });

  it('counts decisions by action and result, and breaker trips', async () => {
    const core = testCore({ breakerMaxPerMinute: 1 });
    const h = harness(core, [true]);
    await h.executor.execute([...core.onAlert(alert({ entity: 'a' }), T0), ...core.onAlert(alert({ entity: 'b' }), T0)], signal);
    const counted = (await h.metrics.decisions.get()).values.map((v) => `${v.labels.action}/${v.labels.result}=${v.value}`).sort();
    expect(counted).toEqual(['block/acted=1', 'block/skipped=1', 'breaker_trip/acted=1']);
    expect((await h.metrics.breakerTrips.get()).values[0]?.value).toBe(1);
  });

  it('journals the body as decided before any hook, and publishes the same bytes when carried out', async () => {
    const core = testCore();
    const h = harness(core, [true]);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    const body = JSON.stringify(h.sent[0]);
    expect(h.entries.map((e) => [e.kind, e.body, e.sentBefore])).toEqual([['decided', body, 0], ['carried-out', body, undefined]]);
  });

  it('journals an action no target accepted as failed, so a restart does not deliver it again', async () => {
    const core = testCore();
    const h = harness(core, [false]);
    await h.executor.execute(core.onAlert(alert(), T0), signal);
    expect(h.entries.map((e) => e.kind)).toEqual(['decided', 'failed']);
  });

  it('resumes an interrupted delivery with the journaled body and decision, the attempt count continuing', async () => {
    const first = testCore();
    const [plan] = first.onAlert(alert(), T0);
    if (!plan?.action) throw new Error('no action');
    const body = JSON.stringify(plan.action);
    // After the restart: a new core, the journaled action pending with two attempts made at t0.
    const core = testCore();
    const attempts: { target: string; attempt: number; body: string }[] = [];
    const h = harness(core, undefined);
    const dispatcher = new WebhookDispatcher({
      targets: ['http://t0/', 'http://t1/'], maxAttempts: 3, retryInitialMs: 1, retryMaxMs: 1, logger: createLogger({ write: () => undefined }),
      client: {
        attempt: async (target: string, sentBody: string, _key: string, attempt: number) => {
          attempts.push({ target, attempt, body: sentBody });
          return { kind: 'delivered', status: 200, durationMs: 1 };
        },
      },
    });
    const executor = new ActionExecutor({
      core, dispatcher, audit: { write: async (d, r) => {
        h.decisions.push(...d);
        h.deliveries.push(...r);
      }, ping: async () => true, close: async () => undefined },
      metrics: h.metrics, logger: createLogger({ write: () => undefined }), now: () => T0 + 60_000, retryInitialMs: 1, retryMaxMs: 2,
      journal: { attempt: async (a: BlockAction, target: string, attempt: number) => void h.entries.push({ kind: 'attempt', key: a.idempotency_key, target, attempt }), finish: async () => undefined } as unknown as ActionJournal,
      deadLetters: { park: async () => undefined } as unknown as ActionDeadLetters,
    });
    const resumed = core.resumeDelivery(JSON.parse(body) as BlockAction, plan.decision);
    expect(core.book.size).toBe(1);
    await executor.resume([{ plan: resumed, body, attempts: new Map([['http://t0/', 2]]) }], signal);
    // t0 goes on at 3 (journaled before it is sent); t1, never named by the journal, starts at 1.
    expect(attempts.map((a) => [a.target, a.attempt]).sort()).toEqual([['http://t0/', 3], ['http://t1/', 1]]);
    expect(attempts.every((a) => a.body === body)).toBe(true);
    expect(h.entries.map((e) => [e.kind, e.target, e.attempt])).toEqual([['attempt', 'http://t0/', 3]]);
    expect(h.decisions).toEqual([plan.decision]);
    expect(h.deliveries.map((d) => [d.target, d.attempts, d.decision_id]).sort()).toEqual([['t0', 3, plan.decision.decision_id], ['t1', 1, plan.decision.decision_id]]);
  });

  it('takes a resumed block back when no target accepts it', async () => {
    const [plan] = testCore().onAlert(alert(), T0);
    if (!plan?.action) throw new Error('no action');
    const core = testCore();
    const h = harness(core, [false]);
    await h.executor.resume([{ plan: core.resumeDelivery(plan.action, plan.decision), body: JSON.stringify(plan.action), attempts: new Map() }], signal);
    expect(core.book.size).toBe(0);
    expect(h.entries.map((e) => e.kind)).toEqual(['failed']);
  });
});
