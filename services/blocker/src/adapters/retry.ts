import type { Logger } from '@telfraud/common';
import { backoffDelay } from '../core/backoff.js';

/** Work given up because the service is stopping; nothing was committed for it. */
export class StoppingError extends Error {
  constructor(what: string) {
    super(`${what} abandoned: the service is stopping`);
    this.name = 'StoppingError';
  }
}

/** Waits `ms`, or rejects with StoppingError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal, what = 'wait'): Promise<void> {
  if (signal.aborted) return Promise.reject(new StoppingError(what));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new StoppingError(what));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  signal: AbortSignal;
  initialMs: number;
  maxMs: number;
  logger: Logger;
  onFailure?: (err: unknown) => void;
}

/**
 * Runs `fn` until it succeeds, backing off exponentially with jitter between tries; gives up only
 * when the service stops. For writes whose loss would break the audit or the journal.
 */
export async function retryUntilDone<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 1; ; retry++) {
    if (options.signal.aborted) throw new StoppingError(what);
    try {
      return await fn();
    } catch (err) {
      options.onFailure?.(err);
      const delay = backoffDelay(retry, options.initialMs, options.maxMs);
      options.logger.warn(`${what} failed, retrying`, { err, retry, retryInMs: delay });
      await abortableSleep(delay, options.signal, what);
    }
  }
}
