/** Growth of the typed-array columns the window stores keep their state in (capacity doubles, new cells filled). */

export function growF64(a: Float64Array, n: number, fill = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growI32(a: Int32Array, n: number, fill = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growU8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

/** Counter columns: Int32 where every slot holds whole counts, else Float64. */
export type Counters = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer>;

export function growCounters(a: Counters, n: number): Counters {
  const b = a instanceof Int32Array ? new Int32Array(n) : new Float64Array(n);
  b.set(a);
  return b;
}

/** Bytes a JS string of `length` UTF-16 units retains, roughly (V8 header plus one byte per unit for the phone numbers and ids seen here). */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}

/**
 * Record numbers for a slab of typed-array columns: freed records are reused (free list) before
 * the slab grows; `onGrow(capacity)` lets the owner grow its columns when it does.
 */
export class RecordPool {
  private ownLinks = new Int32Array(0);
  private cap = 0;
  private freeHead = -1;
  private used = 0;
  private count = 0;

  /** `links`: a column of the owner's that free records may use for the free list (saves a column). */
  constructor(private readonly onGrow: (capacity: number) => void, private readonly initial = 64, private readonly links?: () => Int32Array) {}

  get live(): number {
    return this.count;
  }

  get capacity(): number {
    return this.cap;
  }

  private get freeLinks(): Int32Array {
    return this.links ? this.links() : this.ownLinks;
  }

  alloc(): number {
    this.count++;
    const f = this.freeHead;
    if (f >= 0) {
      this.freeHead = this.freeLinks[f]!;
      return f;
    }
    if (this.used === this.cap) {
      const n = Math.max(this.initial, 2 * this.used);
      if (!this.links) this.ownLinks = growI32(this.ownLinks, n);
      this.cap = n;
      this.onGrow(n);
    }
    return this.used++;
  }

  free(r: number): void {
    this.freeLinks[r] = this.freeHead;
    this.freeHead = r;
    this.count--;
  }

  bytes(): number {
    return this.ownLinks.byteLength;
  }
}
