import { ProbeTable } from './probe-table.js';
import { stringBytes } from './typed-columns.js';

/**
 * The entities of one rule, each given a slot number that indexes the window store's columns (a
 * ProbeTable). Each entity string is held once (slot → string). The hash is cheap and unkeyed: a
 * collision is resolved by comparing the strings, so chosen collisions cost probes, never merge two
 * entities.
 */
export class KeyTable extends ProbeTable {
  private keys: (string | undefined)[] = new Array<string | undefined>(this.slotCapacity);
  private keyChars = 0;

  constructor(hash: (text: string) => number = stringHash32) {
    super(hash);
  }

  keyAt(slot: number): string | undefined {
    return this.keys[slot];
  }

  isLive(slot: number): boolean {
    return this.keys[slot] !== undefined;
  }

  /** Every occupied slot (for tests and full rebuilds, not the hot path). */
  *slots(): IterableIterator<number> {
    for (let s = 0; s < this.used; s++) if (this.keys[s] !== undefined) yield s;
  }

  bytes(): number {
    return this.tableBytes() + 8 * this.keys.length + this.size * stringBytes(0) + this.keyChars;
  }

  protected holds(slot: number, key: string): boolean {
    return this.keys[slot] === key;
  }

  protected keep(slot: number, key: string): void {
    this.keys[slot] = key;
    this.keyChars += key.length;
  }

  protected forget(slot: number): void {
    this.keyChars -= this.keys[slot]!.length;
    this.keys[slot] = undefined;
  }

  protected growSlots(n: number): void {
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
