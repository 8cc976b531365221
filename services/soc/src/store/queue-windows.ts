import type { AlertFilters } from '../api/alert-filters.js';

const QUEUE_WINDOWS_MS = [86_400_000, 7 * 86_400_000, 30 * 86_400_000];

/**
 * Lower time bounds to try for a page of the queue, narrowest first, the asked `from` (or none)
 * last. The queue is newest first, so a window [upper - span, ...) that already holds a full page
 * (plus one) holds exactly the page the unbounded query would give, reading a few partitions
 * instead of all of them. One entity's alerts are sparse: for them the asked range is read at once.
 */
export function queueWindows(f: AlertFilters, now: number): (number | undefined)[] {
  if (f.entity !== undefined) return [f.from];
  const upper = Math.min(f.to ?? Infinity, f.cursor?.ts ?? Infinity, now);
  const tries = QUEUE_WINDOWS_MS.map((span) => upper - span).filter((lower) => lower > (f.from ?? -Infinity) && lower > 0);
  return [...tries, f.from];
}
