/**
 * Exponential back-off, the one rule of every retry loop: the wait after failed attempt n (0-based)
 * is initialMs · 2^n, capped at maxMs (never below initialMs). With `jitter`, "equal jitter": a wait
 * between half and all of that, so retries never bunch at zero and many clients retrying at once
 * spread out. `random` is injected for tests.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  jitter?: boolean;
  random?: () => number;
}

export function backoffDelay(attempt: number, backoff: Backoff): number {
  const ceiling = Math.min(Math.max(backoff.initialMs, backoff.maxMs), backoff.initialMs * 2 ** Math.min(Math.max(0, attempt), 30));
  if (!backoff.jitter) return ceiling;
  const half = ceiling / 2;
  return Math.round(half + (backoff.random ?? Math.random)() * half);
}
