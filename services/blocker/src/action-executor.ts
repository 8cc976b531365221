import type { Logger } from '@telfraud/common';
import { hash128Hex } from '@telfraud/core';
import { targetId, type ActionDeadLetters, type ActionJournal, type FinishedAction } from './adapters/action-journal.js';
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

/** A plan about to be delivered: its body, fixed at decision, and the attempts already made per target. */
interface Delivery {
  plan: Plan;
  body: string;
  attempts: ReadonlyMap<string, number>;
}

/** A plan recovered from the journal (see foldJournal and BlockerCore.resume). */
export interface ResumedPlan {
  plan: Plan;
  body: string;
  /** Per target as the journal names it (targetId): the last attempt that may have been sent. */
  attempts: ReadonlyMap<string, number>;
}

/**
 * Carries out plans: each action is journaled as decided (its body fixed) before any receiver
 * sees it, then hooks (every target, with retries, each further attempt journaled before it is
 * sent; the last failure dead-lettered), then the action topic for what got through (or `failed`),
 * then the audit of every decision and delivery. Plans on different entities run concurrently,
 * plans on one entity in order. Dry-run and skip plans only reach the audit. Resolves when all of
 * it is stored: only then may the caller commit. `resume` finishes deliveries a crash interrupted,
 * with the journaled body and attempt count.
 */
export class ActionExecutor {
  constructor(private readonly deps: ExecutorDeps) {}

  async execute(plans: readonly Plan[], signal: AbortSignal): Promise<void> {
    if (plans.length === 0) return;
    const deliveries = plans.map((plan): Delivery => ({ plan, body: plan.action ? JSON.stringify(plan.action) : '', attempts: new Map() }));
    const decided = deliveries.filter((d) => d.plan.action && !d.plan.decision.dry_run);
    const targets = (this.deps.dispatcher?.targets ?? []).map(targetId);
    const { deps } = this;
    await retryUntilDone('action topic write', () => deps.journal.decide(decided.map((d) => ({
      body: d.body, action: d.plan.action as BlockAction, decision: d.plan.decision, targets,
    }))), { signal, initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs, logger: deps.logger });
    await this.carryOutAll(deliveries, signal);
  }

  async resume(resumed: readonly ResumedPlan[], signal: AbortSignal): Promise<void> {
    if (resumed.length === 0) return;
    await this.carryOutAll(resumed, signal);
  }

  private async carryOutAll(plans: readonly Delivery[], signal: AbortSignal): Promise<void> {
    const groups = new Map<string, Delivery[]>();
    for (const p of plans) {
      const key = entityKey(p.plan.decision.entity_type, p.plan.decision.entity);
      const list = groups.get(key) ?? [];
      list.push(p);
      groups.set(key, list);
    }
    const decisions: Decision[] = [];
    const deliveries: DeliveryRow[] = [];
    const journal: FinishedAction[] = [];
    await Promise.all([...groups.values()].map(async (group) => {
      for (const delivery of group) {
        const out = await this.carryOut(delivery, signal);
        decisions.push(out.decision);
        deliveries.push(...out.deliveries);
        if (out.journal) journal.push(out.journal);
      }
    }));
    const { deps } = this;
    const retry = { signal, initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs, logger: deps.logger };
    await retryUntilDone('action topic write', () => deps.journal.finish(journal), retry);
    await retryUntilDone('audit write', () => deps.audit.write(decisions, deliveries), { ...retry, onFailure: () => deps.metrics.auditFailures.inc() });
    for (const d of decisions) this.report(d);
  }

  private async carryOut({ plan, body, attempts }: Delivery, signal: AbortSignal): Promise<{
    decision: Decision; deliveries: DeliveryRow[]; journal?: FinishedAction;
  }> {
    const { deps } = this;
    const { action, decision } = plan;
    if (!action || decision.dry_run) {
      deps.core.settle(plan, true);
      return { decision, deliveries: [] };
    }
    const retry = { signal, initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs, logger: deps.logger };
    const results = deps.dispatcher ? await deps.dispatcher.deliver(action, signal, {
      body,
      attemptsMade: (target) => attempts.get(targetId(target)) ?? 0,
      beforeAttempt: (target, attempt) => retryUntilDone('action topic write', () => deps.journal.attempt(action, target, attempt), retry),
    }) : [];
    const failed = results.filter((r) => !r.delivered);
    const delivered = results.length === 0 || failed.length < results.length;
    if (failed.length > 0) await retryUntilDone('dead-letter write', () => deps.deadLetters.park(action, failed, body), retry);
    deps.core.settle(plan, delivered);
    // The same decision (same id), with its outcome.
    const final: Decision = failed.length === 0 ? decision : {
      ...decision, result: 'failed',
      reason: `${decision.reason}; not delivered to ${failed.map((f) => f.targetLabel).join(', ')}${delivered ? '' : ' (taken back)'}`,
    };
    for (const r of results) deps.metrics.deliveries.inc({ target: r.targetLabel, result: r.delivered ? 'delivered' : 'dead_lettered' });
    return { decision: final, deliveries: results.map((r) => this.deliveryRow(final, action, r)), journal: { body, action, carriedOut: delivered } };
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
    // An entity may be a calling number: it is logged at debug only. At info and above the decision
    // id and alert id lead to it through the audit (block_audit) and the SOC console.
    const fields = {
      decisionId: d.decision_id, action: d.action, result: d.result, reason: d.reason, rule: d.rule_id,
      alertId: d.alert_id, entityType: d.entity_type, dryRun: d.dry_run,
    };
    if (d.action === 'breaker_trip') {
      deps.logger.error('CIRCUIT BREAKER TRIPPED: automated blocking stopped until an operator resets it (POST /api/v1/breaker/reset)', fields);
    } else if (d.result === 'failed') deps.logger.error('action failed', fields);
    else if (d.result !== 'skipped') deps.logger.info('action', fields);
    deps.logger.debug(d.result === 'skipped' ? 'skipped' : 'action entity', { ...fields, entity: d.entity });
  }
}
