import { removeFromProbeCells } from '../windows/probe-cells.js';
import { growI32, growU8, RecordPool } from '../windows/typed-columns.js';

const EMPTY = 0;
const FREE = -1;
const MIN_SLOTS = 16;
/** Byte records ids are kept in, by length: an id of n Latin-1 units takes the first stride ≥ n. */
const STRIDES = [16, 32, 64];
/** `where` of an id kept as a string (longer than the widest stride, or not Latin-1). */
const AS_STRING = -2;
const CLASS_SHIFT = 28;
const RECORD_MASK = (1 << CLASS_SHIFT) - 1;

/**
 * Call ids → slot numbers, for millions of calls without a JS string or Map entry per call. Open
 * addressing with linear probing over an Int32Array (load at most one half, backward-shift deletion,
 * freed slots reused), the ids' bytes in slabs of fixed-width records (Latin-1 code units, which call
 * ids are; others, and ids longer than 64, are kept as strings). Lookups compare the whole id, so two
 * calls never share a slot, whatever their hashes: the hash (keyed, from the engine, since senders
 * choose call ids) decides only how long a probe run is.
 */
export class CallIdTable {
  private cells = new Int32Array(2 * MIN_SLOTS);
  private mask = 2 * MIN_SLOTS - 1;
  private hashes = new Int32Array(MIN_SLOTS);
  /** Per slot: stride class << CLASS_SHIFT | record, AS_STRING, or FREE. */
  private where = new Int32Array(MIN_SLOTS).fill(FREE);
  private lengths = new Uint8Array(MIN_SLOTS);
  private readonly bytes: Uint8Array[] = STRIDES.map(() => new Uint8Array(0));
  private readonly pools: RecordPool[] = STRIDES.map((stride, c) => new RecordPool((n) => {
    this.bytes[c] = growU8(this.bytes[c]!, n * stride);
  }, 1024));
  private readonly strings = new Map<number, string>();
  private freeSlots = new Int32Array(MIN_SLOTS);
  private freeCount = 0;
  private used = 0;
  private count = 0;

  constructor(private readonly hash: (text: string) => number) {}

  get size(): number {
    return this.count;
  }

  /** Slot numbers are below this; an owner sizes its per-slot columns by it. */
  get slotCapacity(): number {
    return this.hashes.length;
  }

  isLive(slot: number): boolean {
    return this.where[slot] !== FREE;
  }

  /** The id's slot, or -1. */
  find(id: string): number {
    const h = this.hash(id);
    const cells = this.cells;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = cells[i]!;
      if (c === EMPTY) return -1;
      const slot = c - 1;
      if (this.hashes[slot] === h && this.holds(slot, id)) return slot;
    }
  }

  /** Adds an id not in the table (check with `find` first); returns its new slot. */
  insert(id: string): number {
    if (2 * (this.count + 1) > this.cells.length) this.rehash(2 * this.cells.length);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.used === this.hashes.length) this.growSlots(2 * this.hashes.length);
      slot = this.used++;
    }
    const h = this.hash(id);
    this.hashes[slot] = h;
    this.store(slot, id);
    const cells = this.cells;
    const mask = this.mask;
    let i = h & mask;
    while (cells[i] !== EMPTY) i = (i + 1) & mask;
    cells[i] = slot + 1;
    this.count++;
    return slot;
  }

  /** Frees a live slot. */
  remove(slot: number): void {
    const w = this.where[slot]!;
    if (w === FREE) return;
    removeFromProbeCells(this.cells, this.hashes, this.mask, slot);
    if (w === AS_STRING) this.strings.delete(slot);
    else this.pools[w >>> CLASS_SHIFT]!.free(w & RECORD_MASK);
    this.where[slot] = FREE;
    this.count--;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = growI32(this.freeSlots, 2 * this.freeSlots.length);
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Bytes of the table, the slabs and the ids kept as strings (roughly). */
  byteSize(): number {
    let n = this.cells.byteLength + this.hashes.byteLength + this.where.byteLength + this.lengths.byteLength + this.freeSlots.byteLength;
    for (let c = 0; c < STRIDES.length; c++) n += this.bytes[c]!.byteLength + this.pools[c]!.bytes();
    for (const s of this.strings.values()) n += 48 + s.length * 2;
    return n;
  }

  private holds(slot: number, id: string): boolean {
    const w = this.where[slot]!;
    if (w === AS_STRING) return this.strings.get(slot) === id;
    const n = id.length;
    if (this.lengths[slot] !== n) return false;
    const c = w >>> CLASS_SHIFT;
    const bytes = this.bytes[c]!;
    const at = (w & RECORD_MASK) * STRIDES[c]!;
    for (let k = 0; k < n; k++) if (bytes[at + k] !== id.charCodeAt(k)) return false;
    return true;
  }

  private store(slot: number, id: string): void {
    const n = id.length;
    let c = 0;
    while (c < STRIDES.length && STRIDES[c]! < n) c++;
    let latin1 = c < STRIDES.length;
    for (let k = 0; latin1 && k < n; k++) if (id.charCodeAt(k) > 0xff) latin1 = false;
    if (!latin1) {
      this.where[slot] = AS_STRING;
      this.strings.set(slot, id);
      return;
    }
    const r = this.pools[c]!.alloc();
    const bytes = this.bytes[c]!;
    const at = r * STRIDES[c]!;
    for (let k = 0; k < n; k++) bytes[at + k] = id.charCodeAt(k);
    this.where[slot] = (c << CLASS_SHIFT) | r;
    this.lengths[slot] = n;
  }

  private rehash(n: number): void {
    this.cells = new Int32Array(n);
    this.mask = n - 1;
    const cells = this.cells;
    const mask = this.mask;
    for (let s = 0; s < this.used; s++) {
      if (this.where[s] === FREE) continue;
      let i = this.hashes[s]! & mask;
      while (cells[i] !== EMPTY) i = (i + 1) & mask;
      cells[i] = s + 1;
    }
  }

  private growSlots(n: number): void {
    this.hashes = growI32(this.hashes, n);
    this.where = growI32(this.where, n, FREE);
    this.lengths = growU8(this.lengths, n);
  }
}
