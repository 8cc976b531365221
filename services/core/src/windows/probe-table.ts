import { growI32 } from './typed-columns.js';

const EMPTY = 0;
const MIN_SLOTS = 16;

/**
 * Texts → slot numbers that index an owner's typed columns. Open addressing with linear probing over
 * an Int32Array whose cells hold `slot + 1` (0 is empty; load at most one half), the slots' hashes
 * kept beside it, backward-shift deletion (no tombstones), freed slots reused through a free list.
 * A subclass keeps the texts as it likes and says whether a slot holds a text: a lookup compares the
 * whole text, so a collision (chosen or not) costs probes, never merges two texts.
 */
export abstract class ProbeTable {
  private cells = new Int32Array(2 * MIN_SLOTS);
  private mask = 2 * MIN_SLOTS - 1;
  private hashes = new Int32Array(MIN_SLOTS);
  /** Free slots below `used`, as a stack. */
  private freeSlots = new Int32Array(MIN_SLOTS);
  private freeCount = 0;
  /** Slots ever handed out (the high-water mark). */
  protected used = 0;
  private count = 0;

  constructor(private readonly hash: (text: string) => number) {}

  get size(): number {
    return this.count;
  }

  /** Slot numbers are below this; an owner sizes its per-slot columns by it. */
  get slotCapacity(): number {
    return this.hashes.length;
  }

  /** The text's slot, or -1. */
  find(text: string): number {
    const h = this.hash(text);
    const cells = this.cells;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = cells[i]!;
      if (c === EMPTY) return -1;
      const slot = c - 1;
      if (this.hashes[slot] === h && this.holds(slot, text)) return slot;
    }
  }

  /** Adds a text not in the table (check with `find` first); returns its new slot. */
  insert(text: string): number {
    if (2 * (this.count + 1) > this.cells.length) this.rehash(2 * this.cells.length);
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount]!;
    else {
      if (this.used === this.hashes.length) {
        this.hashes = growI32(this.hashes, 2 * this.hashes.length);
        this.growSlots(this.hashes.length);
      }
      slot = this.used++;
    }
    const h = this.hash(text);
    this.hashes[slot] = h;
    this.keep(slot, text);
    this.place(slot, h);
    this.count++;
    return slot;
  }

  /** Frees a live slot (a free one is left as it is). */
  remove(slot: number): void {
    if (!this.isLive(slot)) return;
    this.removeCell(slot);
    this.forget(slot);
    this.count--;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = growI32(this.freeSlots, 2 * this.freeSlots.length);
    this.freeSlots[this.freeCount++] = slot;
  }

  abstract isLive(slot: number): boolean;
  /** Whether the live slot holds `text`. */
  protected abstract holds(slot: number, text: string): boolean;
  /** Keeps `text` as the new slot's. */
  protected abstract keep(slot: number, text: string): void;
  /** Lets go of the slot's text: the slot is free from now on. */
  protected abstract forget(slot: number): void;
  /** Sizes the subclass's per-slot columns for slots below `n`. */
  protected abstract growSlots(n: number): void;

  /** Bytes of the cells, the hashes and the free list. */
  protected tableBytes(): number {
    return this.cells.byteLength + this.hashes.byteLength + this.freeSlots.byteLength;
  }

  private place(slot: number, h: number): void {
    const cells = this.cells;
    const mask = this.mask;
    let i = h & mask;
    while (cells[i] !== EMPTY) i = (i + 1) & mask;
    cells[i] = slot + 1;
  }

  private rehash(n: number): void {
    this.cells = new Int32Array(n);
    this.mask = n - 1;
    for (let s = 0; s < this.used; s++) if (this.isLive(s)) this.place(s, this.hashes[s]!);
  }

  /**
   * Backward shift instead of tombstones: probe runs never lengthen with churn, so a lookup's cost
   * stays bounded by the live load however many keys have come and gone.
   */
  private removeCell(slot: number): void {
    const cells = this.cells;
    const hashes = this.hashes;
    const mask = this.mask;
    let i = hashes[slot]! & mask;
    while (cells[i] !== slot + 1) i = (i + 1) & mask;
    // Later cells of the probe run that may move into the hole do.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const c = cells[j]!;
      if (c === EMPTY) break;
      const home = hashes[c - 1]! & mask;
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        cells[i] = c;
        i = j;
      }
    }
    cells[i] = EMPTY;
  }
}
