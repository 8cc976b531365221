import { ProbeTable } from '../windows/probe-table.js';
import { growI32, growU8, RecordPool } from '../windows/typed-columns.js';

const FREE = -1;
/** Byte records ids are kept in, by length: an id of n Latin-1 units takes the first stride ≥ n. */
const STRIDES = [16, 32, 64];
/** `where` of an id kept as a string (longer than the widest stride, or not Latin-1). */
const AS_STRING = -2;
const CLASS_SHIFT = 28;
const RECORD_MASK = (1 << CLASS_SHIFT) - 1;

/**
 * Call ids → slot numbers, for millions of calls without a JS string or Map entry per call: a
 * ProbeTable keeping the ids' bytes in slabs of fixed-width records (Latin-1 code units, which call
 * ids are; others, and ids longer than 64, are kept as strings). Lookups compare the whole id, so two
 * calls never share a slot, whatever their hashes: the hash (keyed, from the engine, since senders
 * choose call ids) decides only how long a probe run is.
 */
export class CallIdTable extends ProbeTable {
  /** Per slot: stride class << CLASS_SHIFT | record, AS_STRING, or FREE. */
  private where = new Int32Array(this.slotCapacity).fill(FREE);
  private lengths = new Uint8Array(this.slotCapacity);
  private readonly bytes: Uint8Array[] = STRIDES.map(() => new Uint8Array(0));
  private readonly pools: RecordPool[] = STRIDES.map((stride, c) => new RecordPool((n) => {
    this.bytes[c] = growU8(this.bytes[c]!, n * stride);
  }, 1024));
  private readonly strings = new Map<number, string>();

  isLive(slot: number): boolean {
    return this.where[slot] !== FREE;
  }

  /** Bytes of the table, the slabs and the ids kept as strings (roughly). */
  byteSize(): number {
    let n = this.tableBytes() + this.where.byteLength + this.lengths.byteLength;
    for (let c = 0; c < STRIDES.length; c++) n += this.bytes[c]!.byteLength + this.pools[c]!.bytes();
    for (const s of this.strings.values()) n += 48 + s.length * 2;
    return n;
  }

  protected holds(slot: number, id: string): boolean {
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

  protected keep(slot: number, id: string): void {
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

  protected forget(slot: number): void {
    const w = this.where[slot]!;
    if (w === AS_STRING) this.strings.delete(slot);
    else this.pools[w >>> CLASS_SHIFT]!.free(w & RECORD_MASK);
    this.where[slot] = FREE;
  }

  protected growSlots(n: number): void {
    this.where = growI32(this.where, n, FREE);
    this.lengths = growU8(this.lengths, n);
  }
}
