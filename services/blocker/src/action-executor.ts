import type { Logger } from '@telfraud/common';
import { hash128Hex } from '@telfraud/core';
import type { ActionDeadLetters, ActionJournal } from './adapters/action-journal.js';
import type { AuditStore, DeliveryRow } from './adapters/clickhouse-audit-writer.js';
import { retryUntilDone } from './adapters/retry.js';
import type { DeliveryResult, WebhookDispatcher } from './adapters/webhook-dispatcher.js';
import type { BlockerMetrics } from './blocker-metrics.js';
import type { BlockerCore, Plan } from './core/blocker-core.js';
import { entityKey } from './core/block-book.js';
import type { BlockAction, Decision } from './core/decision.js';

export interface ExecutorDeps {
  core: BlockerCore;
  dispatcher: WebhookDispatcher | undefined;
  journal: ActionJournal;
  deadLetters: ActionDeadLetters;
  audit: AuditStore;
  metrics: BlockerMetrics;
  logger: Logger;
  now: () => number;
  /** Back-off of journal and audit writes, which are retried until they succeed or the service stops. */
  retryInitialMs: number;
  retryMaxMs: number;
}

/**
 * Carries out plans: hooks first (every target, with retries; the last failure dead-lettered),
 * then the action topic for what got through, then the audit of every decision and delivery.
 * Plans on different entities run concurrently, plans on one entity in order. Dry-run and skip
 * plans only reach the audit. Resolves when all of it is stored: only then may the caller commit.
 */
export class ActionExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  async execute(plans: readonly Plan[], signal: AbortSignal): Promise<void> {
    if (plans.length === 0) return;
    const groups = new Map<string, Plan[]>();
    for (const p of plans) {
      const key = entityKey(p.decision.entity_type, p.decision.entity);
      const list = groups.get(key) ?? [];
      list.push(p);
      groups.set(key, list);
    }
    const decisions: Decision[] = [];
    const deliveries: DeliveryRow[] = [];
    const journal: BlockAction[] = [];
    await Promise.all([...groups.values()].map(async (group) => {
      for (const plan of group) {
        const out = await this.carryOut(plan, signal);
        decisions.push(out.decision);
        deliveries.push(...out.deliveries);
        if (out.journal) journal.push(out.journal);
      }
    }));
    const { deps } = this;
    const retry = { signal, initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs, logger: deps.logger };
    await retryUntilDone('action topic write', () => deps.journal.append(journal), retry);
    await retryUntilDone('audit write', () => deps.audit.write(decisions, deliveries), { ...retry, onFailure: () => deps.metrics.auditFailures.inc() });
    for (const d of decisions) this.report(d);
  }

  private async carryOut(plan: Plan, signal: AbortSignal): Promise<{ decision: Decision; deliveries: DeliveryRow[]; journal?: BlockAction }> {
    const { deps } = this;
    const { action, decision } = plan;
    if (!action || decision.dry_run) {
      deps.core.settle(plan, true);
      return { decision, deliveries: [] };
    }
    const results = deps.dispatcher ? await deps.dispatcher.deliver(action, signal) : [];
    const failed = results.filter((r) => !r.delivered);
    const delivered = results.length === 0 || failed.length < results.length;
    if (failed.length > 0) {
      await retryUntilDone('dead-letter write', () => deps.deadLetters.park(action, failed), {
        signal, initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs, logger: deps.logger,
      });
    }
    deps.core.settle(plan, delivered);
    // The same decision (same id), with its outcome.
    const final: Decision = failed.length === 0 ? decision : {
      ...decision, result: 'failed',
      reason: `${decision.reason}; not delivered to ${failed.map((f) => f.targetLabel).join(', ')}${delivered ? '' : ' (taken back)'}`,
    };
    for (const r of results) deps.metrics.deliveries.inc({ target: r.targetLabel, result: r.delivered ? 'delivered' : 'dead_lettered' });
    return { decision: final, deliveries: results.map((r) => this.deliveryRow(final, action, r)), ...(delivered ? { journal: action } : {}) };
  }

  private deliveryRow(decision: Decision, action: BlockAction, r: DeliveryResult): DeliveryRow {
    return {
      delivery_id: hash128Hex(`${action.idempotency_key}\u0000${r.target}\u0000${decision.ts}`), ts: this.deps.now(), decision_id: decision.decision_id,
      idempotency_key: action.idempotency_key, action: action.action, entity_type: action.entity_type, entity: action.entity, target: r.targetLabel,
      result: r.delivered ? 'delivered' : 'dead_lettered', attempts: r.attempts, status: r.status, error: r.error.slice(0, 500), duration_ms: r.durationMs,
    };
  }

  private report(d: Decision): void {
    const { deps } = this;
    deps.metrics.countDecision(d);
    const fields = { action: d.action, result: d.result, reason: d.reason, rule: d.rule_id, alertId: d.alert_id, entityType: d.entity_type, entity: d.entity, dryRun: d.dry_run };
    if (d.action === 'breaker_trip') {
      deps.logger.error('CIRCUIT BREAKER TRIPPED: automated blocking stopped until an operator resets it (POST /api/v1/breaker/reset)', fields);
    } else if (d.result === 'failed') deps.logger.error('action failed', fields);
    else if (d.result !== 'skipped') deps.logger.info('action', fields);
    else deps.logger.debug('skipped', fields);
  }
}
