import type { Logger, MessageProducer } from '@telfraud/common';
import type { BlockAction } from '../core/decision.js';
import type { DeliveryResult } from './webhook-dispatcher.js';

/** Record key on `block-actions`: every action on one entity lands in one partition, in order. */
export function actionKey(a: Pick<BlockAction, 'entity_type' | 'entity'>): string {
  return `${a.entity_type}:${a.entity}`;
}

/**
 * Writes carried-out actions to the action topic (JSON, key `entity_type:entity`): the feed other
 * systems may consume, and the journal the blocker replays at start-up to rebuild its active blocks.
 */
export class ActionJournal {
  constructor(private readonly producer: MessageProducer, private readonly topic: string) {}

  async append(actions: readonly BlockAction[]): Promise<void> {
    if (actions.length === 0) return;
    await this.producer.send(this.topic, actions.map((a) => ({
      key: actionKey(a),
      value: Buffer.from(JSON.stringify(a), 'utf8'),
      headers: { 'idempotency-key': a.idempotency_key, action: a.action },
    })));
  }
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

  async park(action: BlockAction, failures: readonly DeliveryResult[]): Promise<void> {
    if (failures.length === 0) return;
    this.logger.error('actions parked on the dead-letter topic', {
      topic: this.topic, action: action.action, idempotencyKey: action.idempotency_key, targets: failures.map((f) => f.targetLabel),
    });
    await this.producer.send(this.topic, failures.map((f) => ({
      key: actionKey(action),
      value: Buffer.from(JSON.stringify(action), 'utf8'),
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
