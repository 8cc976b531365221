import { hash128Hex, type Severity } from '@telfraud/core';

/** What a hook receiver is asked to do. `extend` moves an active block's expiry; `unblock` lifts it. */
export const HOOK_ACTIONS = ['block', 'divert', 'extend', 'unblock', 'notify'] as const;
export type HookAction = (typeof HOOK_ACTIONS)[number];

/** Why an action was issued: machine-readable twin of the human `reason`. */
export const REASON_CODES = ['new_block', 'extended', 'expired', 'operator', 'alert'] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * One action: the JSON body of every webhook request, and the value of every `block-actions`
 * record. The README's hook protocol section documents each field.
 */
export interface BlockAction {
  version: 1;
  idempotency_key: string;
  action: HookAction;
  entity_type: string;
  entity: string;
  reason: string;
  reason_code: ReasonCode;
  rule_id: string;
  severity: Severity | null;
  alert_id: string;
  /** Event time of the alert that opened the block (for notify: of the alert notified). */
  block_epoch: number;
  issued_at: number;
  /** block/divert/extend: when it lapses; unblock: when it would have lapsed; notify: null. */
  expires_at: number | null;
  announcement: string | null;
}

export const DECISION_RESULTS = ['acted', 'extended', 'skipped', 'failed', 'lifted'] as const;
export type DecisionResult = (typeof DECISION_RESULTS)[number];

/** Reasons a decision skips: the audit's `reason` column starts with one of these (or a REASON_CODE). */
export const SKIP_REASONS = [
  'no_policy_action', 'emergency_number', 'allowlisted', 'duplicate_alert', 'already_blocked', 'stale_alert',
  'lifted_by_operator', 'paused', 'breaker_open', 'breaker_tripped', 'not_active',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One row of the audit: every decision, acted or not. */
export interface Decision {
  decision_id: string;
  ts: number;
  /** A policy or hook action, or an operator action (`pause`, `resume`, `breaker_reset`) or `breaker_trip`. */
  action: string;
  result: DecisionResult;
  /** `code` or `code: detail`. */
  reason: string;
  rule_id: string;
  alert_id: string;
  entity_type: string;
  entity: string;
  /** ms since the epoch; 0 = none. */
  expires_at: number;
  dry_run: boolean;
}

/**
 * Deterministic per action, so a retry, a redelivery after a restart or a replayed alert carries
 * the same key and receivers can recognise it: (action, entity_type, entity, block epoch), plus the
 * new expiry for an extension and the alert id for a notification.
 */
export function idempotencyKey(action: HookAction, entityType: string, entity: string, epoch: number, extra = ''): string {
  return `tf-${hash128Hex([action, entityType, entity, String(epoch), extra].join('\u0000'))}`;
}

/** `sequence` tells apart decisions that are otherwise identical (the same alert twice in one batch). */
export function makeDecision(sequence: number, fields: Omit<Decision, 'decision_id'>): Decision {
  const { ts, action, result, reason, rule_id, alert_id, entity_type, entity, expires_at, dry_run } = fields;
  const decision_id = hash128Hex([sequence, ts, action, result, reason, rule_id, alert_id, entity_type, entity, expires_at, dry_run].join('\u0000'));
  return { decision_id, ...fields };
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString();
}
