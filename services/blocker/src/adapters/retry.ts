import { PipelineError, retry, type Logger } from '@telfraud/common';

/** Work given up because the service is stopping; nothing was committed for it. */
export class StoppingError extends PipelineError {
  constructor(what: string) {
    super('STOPPING', `${what} abandoned: the service is stopping`);
    this.name = 'StoppingError';
  }
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
export function retryUntilDone<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  return retry(fn, {
    backoff: { initialMs: options.initialMs, maxMs: options.maxMs, jitter: true },
    signal: options.signal,
    stopped: () => new StoppingError(what),
    onRetry: (err, attempt, delay) => {
      options.onFailure?.(err);
      options.logger.warn(`${what} failed, retrying`, { err, retry: attempt + 1, retryInMs: delay });
    },
  });
}
