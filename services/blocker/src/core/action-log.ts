import type { BlockAction, Decision } from './decision.js';

/**
 * One record of the action topic, read back. The topic is the blocker's write-ahead journal:
 * an action is `decided` (its body fixed, byte for byte) before any receiver sees it; each
 * further delivery `attempt` to a target is noted before it is sent; the action ends
 * `carried-out` (the body again: what other systems consume) or `failed` (no target took it).
 */
export type JournalEntry =
  | { kind: 'decided'; body: string; action: BlockAction; decision: Decision; targets: readonly string[] }
  | { kind: 'attempt'; idempotencyKey: string; target: string; attempt: number }
  | { kind: 'carried-out'; body: string; action: BlockAction }
  | { kind: 'failed'; idempotencyKey: string };

/** An action decided and journaled whose delivery had not ended when the blocker stopped. */
export interface PendingAction {
  /** The exact body first decided: every re-send is byte-identical. */
  body: string;
  action: BlockAction;
  /** The decision as first made (same id), audited when the delivery ends. */
  decision: Decision;
  /** Per target (URL without credentials): the last attempt that may have been sent. */
  attempts: ReadonlyMap<string, number>;
}

export interface ActionLog {
  /** Actions carried out, in journal order: they rebuild the block book. */
  carriedOut: BlockAction[];
  /** Actions to deliver again, in the order decided. */
  pending: PendingAction[];
}

/**
 * Folds the journal (in order per entity, which the topic's key guarantees) into what was carried
 * out and what is still to deliver. A `decided` entry stands for attempt 1 to each target it names.
 */
export function foldJournal(entries: Iterable<JournalEntry>): ActionLog {
  const carriedOut: BlockAction[] = [];
  const pending = new Map<string, { body: string; action: BlockAction; decision: Decision; attempts: Map<string, number> }>();
  for (const e of entries) {
    if (e.kind === 'decided') {
      pending.delete(e.action.idempotency_key);
      pending.set(e.action.idempotency_key, { body: e.body, action: e.action, decision: e.decision, attempts: new Map(e.targets.map((t) => [t, 1])) });
    } else if (e.kind === 'attempt') {
      const p = pending.get(e.idempotencyKey);
      if (p) p.attempts.set(e.target, Math.max(p.attempts.get(e.target) ?? 0, e.attempt));
    } else if (e.kind === 'carried-out') {
      pending.delete(e.action.idempotency_key);
      carriedOut.push(e.action);
    } else {
      pending.delete(e.idempotencyKey);
    }
  }
  return { carriedOut, pending: [...pending.values()] };
}
