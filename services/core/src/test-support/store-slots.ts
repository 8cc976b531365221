import type { KeyTable } from '../windows/key-table.js';

/** What the window stores' tests drive: slots grown with the key table, swept and released. */
interface SlotStore {
  ensure(slotCapacity: number): void;
  sweep(watermark: number, expire: (slot: number) => void): void;
  release(slot: number): void;
}

/** The slot of a key, taken from `keys` and initialised in `store` on first sight, as the rule evaluator does. */
export function slotFinder(keys: KeyTable, store: SlotStore & { init(slot: number): void }): (key: string) => number {
  return (key) => {
    let s = keys.find(key);
    if (s < 0) {
      s = keys.insert(key);
      store.ensure(keys.slotCapacity);
      store.init(s);
    }
    return s;
  };
}

/** Sweeps `store` up to `watermark`, freeing each expired slot and its key; returns the keys expired. */
export function sweepKeys(store: SlotStore, keys: KeyTable, watermark: number): string[] {
  const expired: string[] = [];
  store.sweep(watermark, (slot) => {
    expired.push(keys.keyAt(slot)!);
    store.release(slot);
    keys.remove(slot);
  });
  return expired;
}
