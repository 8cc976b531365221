/** Time as the batcher sees it: injected so tests can drive it with a fake clock. */
export interface Scheduler {
  now(): number;
  /** Runs `fn` after `ms`; the returned function cancels it (idempotent). */
  schedule(ms: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};

/** A sleep that `wake()` can end early (used to cut a back-off short on shutdown). */
export function interruptibleSleep(scheduler: Scheduler, ms: number): { done: Promise<void>; wake: () => void } {
  let wake: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    const cancel = scheduler.schedule(ms, resolve);
    wake = () => {
      cancel();
      resolve();
    };
  });
  return { done, wake };
}

/** Exponential back-off: initial, 2×, 4×, … capped at `maxMs`. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number): number {
  const cap = Math.max(initialMs, maxMs);
  return Math.min(cap, initialMs * 2 ** Math.min(attempt, 30));
}
