import type { Schedule } from '@telfraud/common';

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

/** The scheduler as the shared `sleep` and `retry` take it. */
export const scheduleOf = (scheduler: Scheduler): Schedule => (ms, fn) => scheduler.schedule(ms, fn);
