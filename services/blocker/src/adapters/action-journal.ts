import type { Logger, MessageProducer, OutgoingRecord } from '@telfraud/common';
import type { BlockAction, Decision } from '../core/decision.js';
import type { DeliveryResult } from './webhook-dispatcher.js';

/** Record key on `block-actions`: every action on one entity lands in one partition, in order. */
export function actionKey(a: Pick<BlockAction, 'entity_type' | 'entity'>): string {
  return `${a.entity_type}:${a.entity}`;
}

/** Header naming a write-ahead entry; records without it are carried-out actions (the body as value). */
export const JOURNAL_ENTRY_HEADER = 'journal-entry';

/** An action about to be delivered: its exact body, the decision behind it and the targets it goes to. */
export interface DecidedAction {
  body: string;
  action: BlockAction;
  decision: Decision;
  targets: readonly string[];
}

/** How a delivery ended: carried out (the body is published) or failed at every target. */
export interface FinishedAction {
  body: string;
  action: BlockAction;
  carriedOut: boolean;
}

/**
 * The action topic (key `entity_type:entity`, so one entity's records stay in order), written
 * ahead: `decided` before any receiver sees an action, `attempt` before each further try at a
 * target, then the carried-out action itself (JSON body, the feed other systems consume) or
 * `failed`. Write-ahead entries carry the `journal-entry` header and a JSON envelope; the blocker
 * replays all of it at start-up (see foldJournal) to rebuild its blocks and finish deliveries.
 */
export class ActionJournal {
  constructor(private readonly producer: MessageProducer, private readonly topic: string) {}

  async decide(actions: readonly DecidedAction[]): Promise<void> {
    if (actions.length === 0) return;
    await this.producer.send(this.topic, actions.map((a) => ({
      key: actionKey(a.action),
      value: Buffer.from(JSON.stringify({ version: 1, entry: 'decided', body: a.body, decision: a.decision, targets: a.targets }), 'utf8'),
      headers: { [JOURNAL_ENTRY_HEADER]: 'decided', 'idempotency-key': a.action.idempotency_key, action: a.action.action },
    })));
  }

  async attempt(action: BlockAction, target: string, attempt: number): Promise<void> {
    await this.producer.send(this.topic, [{
      key: actionKey(action),
      value: Buffer.from(JSON.stringify({ version: 1, entry: 'attempt', idempotency_key: action.idempotency_key, target: targetId(target), attempt }), 'utf8'),
      headers: { [JOURNAL_ENTRY_HEADER]: 'attempt', 'idempotency-key': action.idempotency_key, action: action.action },
    }]);
  }

  async finish(actions: readonly FinishedAction[]): Promise<void> {
    if (actions.length === 0) return;
    await this.producer.send(this.topic, actions.map((a): OutgoingRecord => a.carriedOut
      ? { key: actionKey(a.action), value: Buffer.from(a.body, 'utf8'), headers: { 'idempotency-key': a.action.idempotency_key, action: a.action.action } }
      : {
          key: actionKey(a.action),
          value: Buffer.from(JSON.stringify({ version: 1, entry: 'failed', idempotency_key: a.action.idempotency_key }), 'utf8'),
          headers: { [JOURNAL_ENTRY_HEADER]: 'failed', 'idempotency-key': a.action.idempotency_key, action: a.action.action },
        }));
  }
}

/** A target as the journal names it: its URL without credentials. */
export function targetId(url: string): string {
  return withoutCredentials(url);
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'invalid-url';
  }
}

/**
 * Parks an action a target did not accept after the last try on the dead-letter topic: the
 * original body, and headers naming the target, the tries, the last status and error.
 */
export class ActionDeadLetters {
  constructor(private readonly producer: MessageProducer, private readonly topic: string, private readonly logger: Logger) {}

  /** `body`: the exact body the targets were sent (default: the action serialized). */
  async park(action: BlockAction, failures: readonly DeliveryResult[], body = JSON.stringify(action)): Promise<void> {
    if (failures.length === 0) return;
    this.logger.error('actions parked on the dead-letter topic', {
      topic: this.topic, action: action.action, idempotencyKey: action.idempotency_key, targets: failures.map((f) => f.targetLabel),
    });
    await this.producer.send(this.topic, failures.map((f) => ({
      key: actionKey(action),
      value: Buffer.from(body, 'utf8'),
      headers: {
        'dlq-reason': f.status >= 400 && f.status < 500 && f.status !== 408 && f.status !== 429 ? 'WEBHOOK_REJECTED' : 'WEBHOOK_UNREACHABLE',
        'dlq-message': f.error.slice(0, 1000),
        'dlq-target': withoutCredentials(f.target),
        'dlq-attempts': String(f.attempts),
        'dlq-last-status': String(f.status),
        'idempotency-key': action.idempotency_key,
        action: action.action,
      },
    })));
  }
}
