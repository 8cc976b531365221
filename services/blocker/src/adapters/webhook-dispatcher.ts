import { backoffDelay, sleep, type Logger } from '@telfraud/common';
import type { BlockAction } from '../core/decision.js';
import { StoppingError } from './retry.js';
import type { AttemptOutcome } from './webhook-client.js';

/** How one action ended at one target. */
export interface DeliveryResult {
  target: string;
  /** host:port, for metric labels and logs (the URL path may carry a token). */
  targetLabel: string;
  delivered: boolean;
  attempts: number;
  /** Last HTTP status; 0 when no response came. */
  status: number;
  error: string;
  durationMs: number;
}

/**
 * Where a delivery stands: the body fixed when the action was decided, the attempts an earlier run
 * may already have sent (the count continues from there), and a hook that records each attempt
 * after the first before it is sent.
 */
export interface DeliveryResume {
  body?: string;
  attemptsMade?: (target: string) => number;
  beforeAttempt?: (target: string, attempt: number) => Promise<void>;
}

export interface AttemptClient {
  attempt(url: string, body: string, idempotencyKey: string, attempt: number, action: string): Promise<AttemptOutcome>;
}

export interface DispatcherOptions {
  targets: readonly string[];
  client: AttemptClient;
  maxAttempts: number;
  retryInitialMs: number;
  retryMaxMs: number;
  logger: Logger;
  onAttempt?: (targetLabel: string, outcome: AttemptOutcome) => void;
  random?: () => number;
}

export function targetLabel(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
}

/**
 * Delivers one action to every target at once, each with its own retries: exponential back-off
 * with jitter (a receiver's Retry-After is honoured up to the cap) until `maxAttempts`. A stop
 * (the signal) interrupts the waits with StoppingError: the action was not settled; after the
 * restart it is delivered again from the journal, same body, same idempotency key.
 */
export class WebhookDispatcher {
  constructor(private readonly options: DispatcherOptions) {}

  get targetCount(): number {
    return this.options.targets.length;
  }

  get targets(): readonly string[] {
    return this.options.targets;
  }

  deliver(action: BlockAction, signal: AbortSignal, resume: DeliveryResume = {}): Promise<DeliveryResult[]> {
    const body = resume.body ?? JSON.stringify(action);
    return Promise.all(this.options.targets.map((t) => this.deliverTo(t, body, action, signal, resume)));
  }

  private async deliverTo(target: string, body: string, action: BlockAction, signal: AbortSignal, resume: DeliveryResume): Promise<DeliveryResult> {
    const { options } = this;
    const label = targetLabel(target);
    const made = resume.attemptsMade?.(target) ?? 0;
    // A resumed delivery tries at least once more, whatever an earlier run used of the budget.
    const lastAttempt = Math.max(options.maxAttempts, made + 1);
    let total = 0;
    for (let attempt = made + 1; ; attempt++) {
      if (attempt > 1) await resume.beforeAttempt?.(target, attempt);
      const outcome = await options.client.attempt(target, body, action.idempotency_key, attempt, action.action);
      total += outcome.durationMs;
      options.onAttempt?.(label, outcome);
      const result = { target, targetLabel: label, attempts: attempt, status: outcome.status, durationMs: total };
      if (outcome.kind === 'delivered') return { ...result, delivered: true, error: '' };
      if (outcome.kind === 'rejected' || attempt >= lastAttempt) {
        options.logger.error('webhook delivery failed', {
          target: label, action: action.action, idempotencyKey: action.idempotency_key, attempts: attempt, status: outcome.status, error: outcome.error,
        });
        return { ...result, delivered: false, error: outcome.error };
      }
      const backoff = backoffDelay(
        attempt - 1,
        { initialMs: options.retryInitialMs, maxMs: options.retryMaxMs, jitter: true, ...(options.random ? { random: options.random } : {}) },
      );
      const delay = Math.min(options.retryMaxMs, Math.max(backoff, outcome.retryAfterMs ?? 0));
      options.logger.warn('webhook attempt failed, retrying', {
        target: label, action: action.action, idempotencyKey: action.idempotency_key, attempt, status: outcome.status, error: outcome.error, retryInMs: delay,
      });
      if (!(await sleep(delay, signal))) throw new StoppingError(`delivery of ${action.idempotency_key} to ${label}`);
    }
  }
}
