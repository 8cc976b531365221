import type { Alert } from '@telfraud/core';
import { BlockBook, type ActiveBlock, type BlockKind } from './block-book.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import {
  formatTime, idempotencyKey, makeDecision,
  type BlockAction, type Decision, type DecisionResult, type HookAction, type ReasonCode,
} from './decision.js';
import { checkGuardRails } from './guard-rails.js';
import { NotifyLog } from './notify-log.js';
import { evaluatePolicy, type Policy, type PolicyVerdict } from './policy.js';

/** How to take back a planned change whose action reached no receiver. */
export type Undo =
  | { kind: 'close'; entityType: string; entity: string }
  | { kind: 'expiry'; entityType: string; entity: string; expiresAt: number }
  | { kind: 'notify'; alertId: string };

/** One decision, and the action to carry out for it (none for a skip). */
export interface Plan {
  decision: Decision;
  action?: BlockAction;
  undo?: Undo;
}

export interface CoreStatus {
  paused: boolean;
  dryRun: boolean;
  breaker: BreakerState & { requestsLastMinute: number; maxPerMinute: number };
  activeBlocks: ActiveBlock[];
}

type AlertFields = Pick<Alert, 'alert_id' | 'rule_id' | 'severity' | 'entity_type' | 'entity' | 'ts' | 'summary'>;

/**
 * The blocker's decisions, pure: policy, guard rails, the block book with expiry and extension,
 * the circuit breaker, pause, dry-run. Every call takes `now`; nothing here does I/O. The caller
 * carries out the returned plans and reports back with `settle` whether the action got through.
 */
export class BlockerCore {
  readonly book = new BlockBook();
  readonly breaker: CircuitBreaker;
  readonly dryRun: boolean;
  private readonly notified = new NotifyLog();
  private isPaused = false;
  /** Numbers decisions, so two identical decisions in one millisecond stay two audit rows. */
  private sequence = 0;

  constructor(readonly policy: Policy, options: { breakerMaxPerMinute: number; dryRun: boolean }) {
    this.breaker = new CircuitBreaker(options.breakerMaxPerMinute);
    this.dryRun = options.dryRun;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  onAlert(alert: AlertFields, now: number): Plan[] {
    const verdict = evaluatePolicy(this.policy, alert.rule_id, alert.severity);
    const skip = (action: string, reason: string, expiresAt = 0): Plan[] => [{ decision: this.decision(now, action, 'skipped', reason, alert, expiresAt) }];
    if (verdict.action === 'none') return skip('none', `no_policy_action: ${alert.severity} of ${alert.rule_id} maps to no action (entry ${verdict.matched})`);
    let kind = verdict.action;
    let note = '';
    if (kind === 'block' || kind === 'divert') {
      const guard = checkGuardRails(this.policy, alert.entity_type, alert.entity);
      if (!guard.ok && guard.reason !== 'entity_type_not_blockable') return skip(kind, guard.reason);
      if (!guard.ok) {
        note = `: downgraded from ${kind} (entity_type ${alert.entity_type} is not blockable)`;
        kind = 'notify';
      }
    }
    if (kind === 'notify') {
      if (this.notified.has(alert.alert_id, now)) return skip('notify', 'duplicate_alert: already notified');
      this.notified.add(alert.alert_id, now + verdict.expiryMs);
      const action = this.action('notify', 'alert', alert, now, alert.ts, null, verdict.announcement, alert.alert_id);
      return [{ decision: this.decision(now, 'notify', 'acted', `alert${note}`, alert, 0), action, undo: { kind: 'notify', alertId: alert.alert_id } }];
    }
    return this.onBlockAlert(alert, kind, verdict, now);
  }

  private onBlockAlert(alert: AlertFields, kind: BlockKind, verdict: PolicyVerdict, now: number): Plan[] {
    const { expiryMs, announcement, extendMinStepMs } = verdict;
    const skip = (reason: string, expiresAt = 0): Plan[] => [{ decision: this.decision(now, kind, 'skipped', reason, alert, expiresAt) }];
    const expiresAt = Math.min(alert.ts, now) + expiryMs;
    const existing = this.book.get(alert.entity_type, alert.entity);
    if (existing) {
      const seen = existing.alertIds.includes(alert.alert_id);
      if (expiresAt - existing.expiresAt < extendMinStepMs) {
        this.book.noteAlert(alert.entity_type, alert.entity, alert.alert_id);
        return skip(seen ? 'duplicate_alert: already covered by the active block' : `already_blocked: until ${formatTime(existing.expiresAt)}`, existing.expiresAt);
      }
      const held = this.holdReason(now, false);
      if (held) return skip(held, existing.expiresAt);
      const previous = existing.expiresAt;
      this.book.setExpiry(alert.entity_type, alert.entity, expiresAt);
      this.book.noteAlert(alert.entity_type, alert.entity, alert.alert_id);
      const action = this.action('extend', 'extended', alert, now, existing.epoch, expiresAt, existing.announcement, String(expiresAt));
      return [{
        decision: this.decision(now, 'extend', 'extended', `extended: from ${formatTime(previous)}`, alert, expiresAt),
        action, undo: { kind: 'expiry', entityType: alert.entity_type, entity: alert.entity, expiresAt: previous },
      }];
    }
    if (expiresAt <= now) return skip(`stale_alert: its block would have lapsed at ${formatTime(expiresAt)}`, expiresAt);
    const suppressed = this.book.suppressedUntil(alert.entity_type, alert.entity, now);
    if (suppressed !== undefined && alert.ts <= suppressed) return skip(`lifted_by_operator: suppressed until ${formatTime(suppressed)}`);
    const held = this.holdReason(now, true);
    if (held === 'breaker_tripped') {
      const state = this.breaker.state;
      const count = state.kind === 'open' ? state.requestsInWindow : 0;
      return [
        ...skip(`breaker_tripped: ${count} block requests in a minute, limit ${this.breaker.maxPerMinute}`),
        { decision: this.decision(now, 'breaker_trip', 'acted', `breaker_tripped: automated blocking stopped until an operator resets it`, alert, 0) },
      ];
    }
    if (held) return skip(held);
    this.book.open({
      entityType: alert.entity_type, entity: alert.entity, kind, epoch: alert.ts, startedAt: now, expiresAt,
      ruleId: alert.rule_id, alertId: alert.alert_id, severity: alert.severity, announcement: kind === 'divert' ? announcement : undefined, alertIds: [alert.alert_id], dryRun: this.dryRun,
    });
    const action = this.action(kind, 'new_block', alert, now, alert.ts, expiresAt, kind === 'divert' ? announcement : undefined);
    return [{ decision: this.decision(now, kind, 'acted', 'new_block', alert, expiresAt), action, undo: { kind: 'close', entityType: alert.entity_type, entity: alert.entity } }];
  }

  /** Pause and breaker hold new blocks and extensions; only new blocks count towards the breaker. */
  private holdReason(now: number, countsTowardsBreaker: boolean): string | undefined {
    if (this.isPaused) return 'paused: automation paused by an operator';
    if (!countsTowardsBreaker) return this.breaker.state.kind === 'open' ? 'breaker_open: automated blocking stopped' : undefined;
    const answer = this.breaker.request(now);
    if (answer === 'open') return 'breaker_open: automated blocking stopped';
    return answer === 'tripped' ? 'breaker_tripped' : undefined;
  }

  /** Lifts every block whose expiry has come. */
  expire(now: number): Plan[] {
    this.notified.prune(now);
    return this.book.takeExpired(now).map((b) => this.liftPlan(b, now, 'expired', `expired: block opened ${formatTime(b.startedAt)} lapsed`));
  }

  /** Operator lift: the entity stays unblocked for alerts it already covered until its original expiry. */
  lift(entityType: string, entity: string, now: number, actor: string): Plan {
    const b = this.book.remove(entityType, entity);
    const subject = { rule_id: '', alert_id: '', entity_type: entityType, entity };
    if (!b) return { decision: this.decision(now, 'unblock', 'skipped', 'not_active: no active block', subject, 0) };
    this.book.suppress(entityType, entity, b.expiresAt);
    return this.liftPlan(b, now, 'operator', `operator: lifted by ${actor}`);
  }

  private liftPlan(b: ActiveBlock, now: number, code: ReasonCode, reason: string): Plan {
    const subject = { rule_id: b.ruleId, alert_id: b.alertId, entity_type: b.entityType, entity: b.entity, severity: b.severity, summary: reason, ts: b.epoch };
    const action = this.action('unblock', code, subject, now, b.epoch, b.expiresAt, b.announcement);
    return { decision: this.decision(now, 'unblock', 'lifted', reason, subject, b.expiresAt), action };
  }

  pause(now: number, actor: string): Plan {
    this.isPaused = true;
    return { decision: this.operatorDecision(now, 'pause', actor) };
  }

  resume(now: number, actor: string): Plan {
    this.isPaused = false;
    return { decision: this.operatorDecision(now, 'resume', actor) };
  }

  resetBreaker(now: number, actor: string): Plan {
    const wasOpen = this.breaker.reset();
    return { decision: this.operatorDecision(now, 'breaker_reset', `${actor}${wasOpen ? '' : ' (breaker was closed)'}`) };
  }

  /** After carrying out a plan: an action that reached no receiver is taken back, so a later alert retries it. */
  settle(plan: Plan, delivered: boolean): void {
    const undo = plan.undo;
    if (delivered || !undo) return;
    if (undo.kind === 'close') this.book.remove(undo.entityType, undo.entity);
    else if (undo.kind === 'expiry') this.book.setExpiry(undo.entityType, undo.entity, undo.expiresAt);
    else this.notified.forget(undo.alertId);
  }

  /** Rebuilds state from one `block-actions` record (start-up replay of the journal). */
  restore(a: BlockAction): void {
    if (a.action === 'block' || a.action === 'divert') {
      this.book.open({
        entityType: a.entity_type, entity: a.entity, kind: a.action, epoch: a.block_epoch, startedAt: a.issued_at,
        expiresAt: a.expires_at ?? a.issued_at, ruleId: a.rule_id, alertId: a.alert_id, severity: a.severity ?? 'HIGH',
        announcement: a.announcement ?? undefined, alertIds: [a.alert_id], dryRun: false,
      });
    } else if (a.action === 'extend') {
      this.book.setExpiry(a.entity_type, a.entity, a.expires_at ?? a.issued_at);
      this.book.noteAlert(a.entity_type, a.entity, a.alert_id);
    } else if (a.action === 'unblock') {
      this.book.remove(a.entity_type, a.entity);
      if (a.reason_code === 'operator' && a.expires_at !== null) this.book.suppress(a.entity_type, a.entity, a.expires_at);
    } else {
      this.notified.add(a.alert_id, a.issued_at + this.policy.defaultExpiryMs);
    }
  }

  /**
   * Start-up: an action journaled as decided whose delivery had not ended. Its state is restored
   * as if it got through, and it comes back as the same plan (same decision) with the undo that
   * takes it back should no receiver accept it after all.
   */
  resumeDelivery(action: BlockAction, decision: Decision): Plan {
    let undo: Undo | undefined;
    if (action.action === 'block' || action.action === 'divert') undo = { kind: 'close', entityType: action.entity_type, entity: action.entity };
    else if (action.action === 'notify') undo = { kind: 'notify', alertId: action.alert_id };
    else if (action.action === 'extend') {
      const previous = this.book.get(action.entity_type, action.entity)?.expiresAt;
      if (previous !== undefined) undo = { kind: 'expiry', entityType: action.entity_type, entity: action.entity, expiresAt: previous };
    }
    this.restore(action);
    return { decision, action, ...(undo ? { undo } : {}) };
  }

  status(now: number): CoreStatus {
    const requestsLastMinute = this.breaker.recent(now);
    return {
      paused: this.isPaused, dryRun: this.dryRun,
      breaker: { ...this.breaker.state, requestsLastMinute, maxPerMinute: this.breaker.maxPerMinute },
      activeBlocks: this.book.list(),
    };
  }

  private action(
    action: HookAction, code: ReasonCode, a: AlertFields | (Omit<AlertFields, 'severity'> & { severity?: AlertFields['severity'] }),
    now: number, epoch: number, expiresAt: number | null, announcement: string | undefined, extra = '',
  ): BlockAction {
    const summary = code === 'new_block' || code === 'extended' || code === 'alert' ? `rule ${a.rule_id} (${a.severity ?? 'n/a'}): ${a.summary}` : a.summary;
    return {
      version: 1, idempotency_key: idempotencyKey(action, a.entity_type, a.entity, epoch, extra), action,
      entity_type: a.entity_type, entity: a.entity, reason: summary, reason_code: code, rule_id: a.rule_id,
      severity: a.severity ?? null, alert_id: a.alert_id, block_epoch: epoch, issued_at: now, expires_at: expiresAt,
      announcement: action === 'divert' || action === 'extend' || action === 'unblock' ? announcement ?? null : null,
    };
  }

  private decision(
    now: number, action: string, result: DecisionResult, reason: string,
    a: { rule_id: string; alert_id: string; entity_type: string; entity: string }, expiresAt: number,
  ): Decision {
    return makeDecision(this.sequence++, {
      ts: now, action, result, reason, rule_id: a.rule_id, alert_id: a.alert_id, entity_type: a.entity_type, entity: a.entity,
      expires_at: expiresAt, dry_run: this.dryRun,
    });
  }

  private operatorDecision(now: number, action: string, actor: string): Decision {
    return this.decision(now, action, 'acted', `operator: ${actor}`, { rule_id: '', alert_id: '', entity_type: '', entity: '' }, 0);
  }
}
