/** A cumulative count at a moment (ms on any monotonic-enough clock). */
export interface Sample {
  t: number;
  n: number;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarise(values: readonly number[]): LatencySummary {
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : Number.NaN };
}

/**
 * Steady-state rate (per second) of a catch-up: the count gained between the first samples that
 * reach `from` and `to` of the total, over the time between them. Start-up, group join and the
 * tail are outside the window. Undefined when the samples never get that far.
 */
export function steadyRate(samples: readonly Sample[], total: number, from = 0.1, to = 0.9): number | undefined {
  const a = samples.find((s) => s.n >= total * from);
  const b = samples.find((s) => s.n >= total * to);
  if (!a || !b || b.t <= a.t) return undefined;
  return (b.n - a.n) / ((b.t - a.t) / 1000);
}
