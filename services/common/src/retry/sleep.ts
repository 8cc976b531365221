/** Runs `fn` after `ms`; the returned function cancels it (idempotent). Injected so tests can drive time. */
export type Schedule = (ms: number, fn: () => void) => () => void;

export const timerSchedule: Schedule = (ms, fn) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * Waits `ms`, or less if `signal` aborts (a back-off cut short on shutdown). Resolves true after a
 * full wait and false when cut short (at once if the signal had already aborted); never rejects, so
 * the caller decides what stopping means.
 */
export function sleep(ms: number, signal?: AbortSignal, schedule: Schedule = timerSchedule): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      cancel();
      resolve(false);
    };
    const cancel = schedule(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
