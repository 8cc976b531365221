import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createLogger } from '@telfraud/common';
import { ActionExecutor } from './action-executor.js';
import type { ActionDeadLetters, ActionJournal } from './adapters/action-journal.js';
import type { AuditStore, DeliveryRow } from './adapters/clickhouse-audit-writer.js';
import type { DeliveryResult, WebhookDispatcher } from './adapters/webhook-dispatcher.js';
import { createBlockerMetrics } from './blocker-metrics.js';
import type { BlockerCore } from './core/blocker-core.js';
import type { BlockAction, Decision } from './core/decision.js';
import { alert, T0, testCore } from './core/fixtures.test-support.js';

/** Fakes for every port of the executor; `answers` says how each target fares. */
function harness(core: BlockerCore, answers: boolean[] | undefined, auditFailures = 0) {
  const sent: BlockAction[] = [];
  const journal: BlockAction[] = [];
  const parked: { action: BlockAction; failures: readonly DeliveryResult[] }[] = [];
  const decisions: Decision[] = [];
  const deliveries: DeliveryRow[] = [];
  let failuresLeft = auditFailures;
  const dispatcher = answers && ({
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
    core, dispatcher, audit, metrics, logger: createLogger({ write: () => undefined }), now: () => T0, retryInitialMs: 1, retryMaxMs: 2,
    journal: { append: async (a: readonly BlockAction[]) => void journal.push(...a) } as unknown as ActionJournal,
    deadLetters: { park: async (action: BlockAction, failures: readonly DeliveryResult[]) => void parked.push({ action, failures }) } as unknown as ActionDeadLetters,
  });
  return { executor, sent, journal, parked, decisions, deliveries, metrics };
}

const signal = new AbortController().signal;

describe('ActionExecutor', () => {
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
});
