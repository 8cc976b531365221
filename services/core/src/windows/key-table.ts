import { removeFromProbeCells } from './probe-cells.js';
import { growI32, stringBytes } from './typed-columns.js';

const EMPTY = 0;
const MIN_SLOTS = 16;

/**
 * The entities of one rule, each given a slot number that indexes the window store's columns.
 * Open addressing with linear probing over an Int32Array (slot + 1 per cell; load at most one half),
 * backward-shift deletion (no tombstones), freed slots reused through a free list. Each entity
 * string is held once (slot → string). The hash is cheap and unkeyed: a collision is resolved by
 * comparing the strings, so chosen collisions cost probes, never merge two entities.
 */
export class KeyTable {
  private cells: Int32Array = new Int32Array(2 * MIN_SLOTS);
  private mask = 2 * MIN_SLOTS - 1;
  private hashes: Int32Array = new Int32Array(MIN_SLOTS);
  private keys: (string | undefined)[] = new Array<string | undefined>(MIN_SLOTS);
  /** Free slots below `used`, as a stack. */
  private freeSlots: Int32Array = new Int32Array(MIN_SLOTS);
  private freeCount = 0;
  /** Slots ever handed out (the high-water mark). */
  private used = 0;
  private count = 0;
  private keyChars = 0;

  constructor(private readonly hash: (text: string) => number = stringHash32) {}

  get size(): number {
    return this.count;
  }

  /** Slot numbers are below this; a store sizes its per-key columns by it. */
  get slotCapacity(): number {
    return this.hashes.length;
  }

  keyAt(slot: number): string | undefined {
    return this.keys[slot];
  }

  /** The entity's slot, or -1. */
  find(key: string): number {
    const h = this.hash(key);
    const cells = this.cells;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = cells[i]!;
      if (c === EMPTY) return -1;
      const slot = c - 1;
      if (this.hashes[slot] === h && this.keys[slot] === key) return slot;
    }
  }

  /** Adds an entity not in the table (check with `find` first); returns its new slot. */
  insert(key: string): number {
    if (2 * (this.count + 1) > this.cells.length) this.rehash(2 * this.cells.length);
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount]!;
    } else {
      if (this.used === this.hashes.length) this.growSlots(2 * this.hashes.length);
      slot = this.used++;
    }
    const h = this.hash(key);
    this.hashes[slot] = h;
    this.keys[slot] = key;
    this.place(slot, h);
    this.count++;
    this.keyChars += key.length;
    return slot;
  }

  /** Frees the slot of a present entity. */
  remove(slot: number): void {
    const key = this.keys[slot];
    if (key === undefined) return;
    removeFromProbeCells(this.cells, this.hashes, this.mask, slot);
    this.keys[slot] = undefined;
    this.count--;
    this.keyChars -= key.length;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = growI32(this.freeSlots, 2 * this.freeSlots.length);
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Every occupied slot (for tests and full rebuilds, not the hot path). */
  *slots(): IterableIterator<number> {
    for (let s = 0; s < this.used; s++) if (this.keys[s] !== undefined) yield s;
  }

  bytes(): number {
    return this.cells.byteLength + this.hashes.byteLength + this.freeSlots.byteLength + 8 * this.keys.length
      + this.count * stringBytes(0) + this.keyChars;
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
    for (let s = 0; s < this.used; s++) if (this.keys[s] !== undefined) this.place(s, this.hashes[s]!);
  }

  private growSlots(n: number): void {
    this.hashes = growI32(this.hashes, n);
    this.keys.length = n;
  }
}

/** FNV-1a over UTF-16 code units with a murmur3 finaliser: no allocation, spreads short numeric strings. */
export function stringHash32(text: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
