import type { CallEvent } from '../events.js';
import { growF64, growI32, RecordPool } from './typed-columns.js';

/**
 * One rule's window state for every key, in typed-array columns indexed by the key's slot in the
 * rule's KeyTable: the same semantics as the KeyedWindow it stands for (BucketedWindow,
 * SessionWindow), without an object per key or per event.
 */
export interface WindowStore {
  /** Sizes the per-key columns for slots below `slotCapacity`. */
  ensure(slotCapacity: number): void;
  /** A new key's empty state (as KeyedWindow.create). */
  init(slot: number, ts: number): void;
  add(slot: number, event: CallEvent, ts: number, watermark: number): boolean;
  /**
   * As KeyedWindow.evaluate; the bounds are left in `start` and `end`. With `sketches` false, distinct
   * counts kept as sketches are left out (their slots hold no meaning) until `completeSketches`.
   */
  evaluate(slot: number, ts: number, into: Float64Array, sketches?: boolean): void;
  /** As KeyedWindow.evaluateAsOf; false where that gives undefined. `sketches` as for evaluate. */
  evaluateAsOf(slot: number, ts: number, into: Float64Array, sketches?: boolean): boolean;
  /** Fills in the distinct counts kept as sketches for the window evaluated last (same slot). */
  completeSketches(slot: number, into: Float64Array): void;
  readonly start: number;
  readonly end: number;
  /**
   * Calls `expire(slot)` for every key whose state can no longer matter once event time reached
   * `watermark`; `expire` must `release` it. Visits at most `budget` keys: returns the budget left,
   * or -1 if it ran out first (a call with the same watermark goes on from there; ExpiryWheel.collect).
   */
  sweep(watermark: number, expire: (slot: number) => void, budget?: number): number;
  /** Whether the key's state can no longer matter (KeyedWindow.expired). */
  expired(slot: number, watermark: number): boolean;
  /** Frees the key's records. */
  release(slot: number): void;
  /** Bytes held by the columns and slabs. */
  bytes(): number;
}

/** Exact distinct values: one record per (key, measure, fingerprint) with the bucket it was last seen in, chained per key. */
export class FingerprintSlab {
  fp = new Float64Array(0);
  idx = new Float64Array(0);
  next = new Int32Array(0);
  readonly pool = new RecordPool((n) => {
    this.fp = growF64(this.fp, n);
    this.idx = growF64(this.idx, n);
    this.next = growI32(this.next, n);
  }, 256);

  bytes(): number {
    return this.fp.byteLength + this.idx.byteLength + this.next.byteLength + this.pool.bytes();
  }
}

/** Fingerprints a key holds exactly per distinct measure before its counts spill to HyperLogLog sketches. */
export const EXACT_DISTINCT_LIMIT = 256;
