import { growI32, RecordPool, stringBytes } from '../windows/typed-columns.js';

const NONE = -1;

/**
 * The last `size` call ids of every key, oldest first, as records of one slab chained per key:
 * a key that made one call holds one record, not an array.
 */
export class EvidenceStore {
  private ids: (string | undefined)[] = [];
  private next = new Int32Array(0);
  private readonly pool = new RecordPool((n) => {
    this.next = growI32(this.next, n);
    this.ids.length = n;
  }, 256, () => this.next);
  private head = new Int32Array(0);
  private chars = 0;

  constructor(private readonly size: number) {}

  ensure(slotCapacity: number): void {
    if (slotCapacity <= this.head.length) return;
    this.head = growI32(this.head, slotCapacity, NONE);
  }

  init(slot: number): void {
    this.head[slot] = NONE;
  }

  /** Appends the call id unless the key's evidence already names it; the oldest leaves past `size`. */
  add(slot: number, callId: string): void {
    // At most `size` records: walking them finds a repeat, the tail and the count at once.
    let t = NONE;
    let count = 0;
    for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) {
      if (this.ids[e] === callId) return;
      t = e;
      count++;
    }
    if (this.size === 0) return;
    const n = this.pool.alloc();
    this.ids[n] = callId;
    this.chars += callId.length;
    this.next[n] = NONE;
    if (t === NONE) this.head[slot] = n;
    else this.next[t] = n;
    if (count + 1 > this.size) {
      const h = this.head[slot]!;
      this.head[slot] = this.next[h]!;
      this.drop(h);
    }
  }

  list(slot: number): string[] {
    const out: string[] = [];
    for (let e = this.head[slot]!; e !== NONE; e = this.next[e]!) out.push(this.ids[e]!);
    return out;
  }

  release(slot: number): void {
    let e = this.head[slot]!;
    while (e !== NONE) {
      const n = this.next[e]!;
      this.drop(e);
      e = n;
    }
    this.init(slot);
  }

  private drop(e: number): void {
    this.chars -= this.ids[e]!.length;
    this.ids[e] = undefined;
    this.pool.free(e);
  }

  /** Bytes of the slab; the call id strings are counted too, though the event usually shares them. */
  bytes(): number {
    return 8 * this.ids.length + this.next.byteLength + this.pool.bytes() + this.head.byteLength + this.pool.live * stringBytes(0) + this.chars;
  }
}
