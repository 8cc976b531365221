import { backoffDelay, type Backoff } from './backoff.js';
import { sleep, timerSchedule, type Schedule } from './sleep.js';

export interface RetryOptions {
  backoff: Backoff;
  /** Whether this failure is worth another try; a false answer rethrows it. Default: every failure. */
  retryable?: (err: unknown, attempt: number) => boolean;
  /** Called after failed attempt `attempt` (0-based), before waiting `delayMs`: log, count. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Called after each wait, before the next try (a consumer's heartbeat); what it throws ends the retries. */
  afterWait?: () => Promise<void>;
  /** Give up (rethrow the last failure) when the next try would start after this time. */
  deadline?: { at: number; now?: () => number };
  /** Aborting stops the retries, cutting a wait short: `stopped()` is thrown. */
  signal?: AbortSignal;
  stopped?: () => unknown;
  schedule?: Schedule;
}

/**
 * Runs `fn` until it resolves, backing off between tries: the one retry loop of the services.
 * `fn` gets the attempt number (0-based).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const stopped = (): unknown => options.stopped?.() ?? options.signal?.reason;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw stopped();
    try {
      return await fn(attempt);
    } catch (err) {
      if (options.retryable && !options.retryable(err, attempt)) throw err;
      const delayMs = backoffDelay(attempt, options.backoff);
      if (options.deadline && (options.deadline.now ?? Date.now)() + delayMs > options.deadline.at) throw err;
      options.onRetry?.(err, attempt, delayMs);
      if (!(await sleep(delayMs, options.signal, options.schedule ?? timerSchedule))) throw stopped();
      await options.afterWait?.();
    }
  }
}
