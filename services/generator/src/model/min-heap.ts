/**
 * A binary min-heap ordered by a numeric key then by insertion order, so equal keys come out
 * first-in first-out: ties never depend on heap internals, which keeps output deterministic.
 */
interface Entry<T> {
  key: number;
  seq: number;
  value: T;
}

export class MinHeap<T> {
  private readonly items: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: number, value: T): void {
    const items = this.items;
    items.push({ key, seq: this.seq++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      swap(items, i, parent);
      i = parent;
    }
  }

  peekKey(): number | undefined {
    return this.items[0]?.key;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    if (!top) return undefined;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l]!, items[m]!)) m = l;
        if (r < items.length && less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        swap(items, i, m);
        i = m;
      }
    }
    return top.value;
  }
}

function less<T>(x: Entry<T>, y: Entry<T>): boolean {
  return x.key < y.key || (x.key === y.key && x.seq < y.seq);
}

function swap<T>(items: Entry<T>[], i: number, j: number): void {
  const t = items[i]!;
  items[i] = items[j]!;
  items[j] = t;
}
