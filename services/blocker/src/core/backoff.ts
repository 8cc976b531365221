/**
 * Exponential back-off with "equal jitter": the n-th retry (1-based) waits between half and all of
 * min(maxMs, initialMs * 2^(n-1)). Half is kept so retries never bunch at zero; the random half
 * spreads many blockers (or many targets) retrying at once. `random` is injected for tests.
 */
export function backoffDelay(retry: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, retry - 1));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}
