import type { KeyTable } from '../windows/key-table.js';

/** What the window stores' tests drive: slots grown with the key table, swept and released. */
interface SlotStore {
  ensure(slotCapacity: number): void;
  sweep(watermark: number, expire: (slot: number) => void, budget?: number): number;
  expired(slot: number, watermark: number): boolean;
  release(slot: number): void;
}

/**
 * The slot of a key, taken from `keys` and initialised in `store` (with `initArgs`) on first sight, as the rule
 * evaluator does: a key that had expired at the last sweep's watermark (`sweptTo()`) but was left
 * by a sweep that ran out of budget is freed first, so it starts again from nothing.
 */
export function slotFinder<A extends unknown[]>(
  keys: KeyTable,
  store: SlotStore & { init(slot: number, ...initArgs: A): void },
  sweptTo: () => number = () => Number.NaN,
): (key: string, ...initArgs: A) => number {
  return (key, ...initArgs) => {
    let s = keys.find(key);
    if (s >= 0 && store.expired(s, sweptTo())) {
      store.release(s);
      keys.remove(s);
      s = -1;
    }
    if (s < 0) {
      s = keys.insert(key);
      store.ensure(keys.slotCapacity);
      store.init(s, ...initArgs);
    }
    return s;
  };
}

/** Sweeps `store` up to `watermark` (at most `budget` keys), freeing each expired slot and its key; returns the keys expired. */
export function sweepKeys(store: SlotStore, keys: KeyTable, watermark: number, budget?: number): string[] {
  const expired: string[] = [];
  store.sweep(watermark, (slot) => {
    expired.push(keys.keyAt(slot)!);
    store.release(slot);
    keys.remove(slot);
  }, budget);
  return expired;
}
