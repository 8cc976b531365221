import type { CallEvent } from '../events.js';
import { ExpiryWheel } from './expiry-wheel.js';
import { estimateFrom, HyperLogLogSlab } from './hyperloglog-slab.js';
import { distinctValue, type MeasureLayout } from './measure-layout.js';
import { growCounters, growF64, growI32, RecordPool, type Counters } from './typed-columns.js';
import { EXACT_DISTINCT_LIMIT, FingerprintSlab, type WindowStore } from './window-store.js';

const NONE = -1;
const SUM = 0;
const MAX = 1;
/** A key gets a running total once it holds this many buckets: below, merging them is as cheap. */
const RUNNING_TOTAL_FROM = 4;

/**
 * BucketedWindow's sliding (and tumbling) windows for every key of a rule, in slabs. Per key a few
 * columns (newest event time, the running total's window end, the newest bucket) and, for sum-only
 * layouts, the running total; buckets are records of a shared slab chained newest first, so a key
 * that made one call holds one bucket whatever the window's size/hop. Distinct values are exact
 * records (fingerprint → newest bucket) up to EXACT_DISTINCT_LIMIT per key and measure, then
 * per-bucket HyperLogLog sketches merged over the window. Expiry is an ExpiryWheel.
 */
export class SlidingWindowStore implements WindowStore {
  start = 0;
  end = 0;
  private readonly span: number;
  private readonly incremental: boolean;
  private readonly S: number;
  private readonly D: number;
  private readonly mergeKind: Uint8Array;
  private readonly empty: Float64Array;
  private readonly delta: Float64Array;
  private readonly scratch: Float64Array;
  private keyCap = 0;
  // Per key.
  private maxTs = new Float64Array(0);
  private head = new Int32Array(0);
  /**
   * The key's busy record once it holds RUNNING_TOTAL_FROM buckets, or NONE: its oldest bucket
   * (quiet keys walk their few records instead) and, for sum-only layouts, its running total over
   * the window ending with its newest bucket (floor(maxTs / hop), what BucketedWindow calls sumEnd).
   */
  private busyRec = new Int32Array(0);
  private busyOldest = new Float64Array(0);
  /**
   * The bucket record the busy key's last add went to, or NONE: events read a partition batch at a
   * time come in runs with one bucket, often far behind the key's newest, and start the walk there.
   */
  private busyFinger = new Int32Array(0);
  private sumSlots: Counters;
  /**
   * Per busy record, for integer sum-only layouts, two cached windows ending before the newest bucket
   * (2sr: the last one evaluate asked for, 2sr + 1: the last late event's own, see evaluateAsOf): the
   * bucket each ends at (NaN: none) and its total, kept up to date by every add. Events read from
   * partitions behind the key's newest bucket come in runs with the same own bucket or the next: each
   * is judged from this total (as it is, or moved by the buckets between the two ends) instead of a
   * walk over the window's buckets. Whole counts sum the same in any order: the answers are identical.
   */
  private cachedEnd = new Float64Array(0);
  private cachedSlots: Counters;
  private readonly caching: boolean;
  private readonly busy: RecordPool;
  // Per key and distinct measure (slot * D + d).
  private dHead = new Int32Array(0);
  /** Exact fingerprints held; -1 once spilled to sketches. */
  private dCount = new Int32Array(0);
  /** The spilled measure's union record, or NONE. */
  private uRec = new Int32Array(0);
  /**
   * Per union record: the pivot bucket of its cumulative sketches (NaN: none built), and two cached
   * window unions (2u: the window ending with the key's newest bucket, 2u + 1: a late event's own),
   * each a sketch with the bucket its window ends at and its harmonic sum and zero-register count.
   */
  private uPivot = new Float64Array(0);
  private uBlock = new Int32Array(0);
  private uEnd = new Float64Array(0);
  private uAcc = new Float64Array(0);
  private readonly unions: RecordPool;
  /** Buckets a pivot leaves behind the newest: a late event's window within them is answered without moving it. */
  private readonly pivotBack: number;
  /** Windows before the newest answered from a cached total as it was: for tests. */
  cachedHits = 0;
  /** Windows before the newest answered by moving a cached total to another end bucket: for tests. */
  cachedShifts = 0;
  /** Windows whose union had to be merged from every bucket sketch (no pivot could serve them): for tests. */
  unionRebuilds = 0;
  private order = new Int32Array(0);
  // Per bucket record.
  private recIdx = new Float64Array(0);
  private recNext = new Int32Array(0);
  private recSlots: Counters;
  private readonly recs: RecordPool;
  /** Sketch block per (bucket record * D + measure), for spilled keys only. */
  private readonly recSketch = new Map<number, number>();
  /**
   * Cumulative sketch per (bucket record * D + measure), once a union record has a pivot m: for a
   * bucket i < m the union of buckets i..m-1 (suffix), for i >= m the union of buckets m..i (prefix).
   * Any window [first, end] with first < m <= end + 1 is then one suffix and one prefix: a slide by a
   * bucket or a late event's window costs one sketch pass, not one per bucket of the window (a
   * two-stacks sliding aggregate, with the pivot kept back so late windows are served too).
   */
  private readonly recCum = new Map<number, number>();
  private readonly entries = new FingerprintSlab();
  private readonly hll = new HyperLogLogSlab();
  private readonly wheel: ExpiryWheel;

  constructor(
    private readonly layout: MeasureLayout,
    readonly sizeMs: number,
    readonly hopMs: number,
    private readonly latenessMs: number,
  ) {
    this.span = sizeMs / hopMs;
    this.pivotBack = Math.max(1, Math.min(Math.floor(this.span / 2), Math.ceil(latenessMs / hopMs) + 1));
    this.incremental = layout.merges.every((m) => m === 'sum');
    this.S = layout.slotCount;
    this.D = layout.distinct.length;
    this.mergeKind = Uint8Array.from(layout.merges, (m) => (m === 'sum' ? SUM : m === 'max' ? MAX : 2));
    this.empty = layout.newSlots();
    this.delta = layout.newSlots();
    this.scratch = layout.newSlots();
    const integer = layout.counts.every(Boolean);
    this.recSlots = integer ? new Int32Array(0) : new Float64Array(0);
    this.sumSlots = integer ? new Int32Array(0) : new Float64Array(0);
    this.caching = this.incremental && integer;
    this.cachedSlots = new Int32Array(0);
    this.busy = new RecordPool((n) => {
      this.busyOldest = growF64(this.busyOldest, n);
      this.busyFinger = growI32(this.busyFinger, n, NONE);
      if (this.incremental) this.sumSlots = growCounters(this.sumSlots, n * this.S);
      if (this.caching) {
        this.cachedEnd = growF64(this.cachedEnd, 2 * n, Number.NaN);
        this.cachedSlots = growCounters(this.cachedSlots, 2 * n * this.S);
      }
    }, 16);
    this.unions = new RecordPool((n) => {
      this.uPivot = growF64(this.uPivot, n, Number.NaN);
      this.uBlock = growI32(this.uBlock, 2 * n, NONE);
      this.uEnd = growF64(this.uEnd, 2 * n, Number.NaN);
      this.uAcc = growF64(this.uAcc, 4 * n);
    }, 4);
    this.recs = new RecordPool((n) => {
      this.recIdx = growF64(this.recIdx, n);
      this.recNext = growI32(this.recNext, n);
      this.recSlots = growCounters(this.recSlots, n * this.S);
    }, 256, () => this.recNext);
    this.wheel = new ExpiryWheel(hopMs, (slot, wm) => this.expired(slot, wm));
  }

  ensure(slotCapacity: number): void {
    if (slotCapacity <= this.keyCap) return;
    const n = slotCapacity;
    this.maxTs = growF64(this.maxTs, n);
    this.head = growI32(this.head, n, NONE);
    this.busyRec = growI32(this.busyRec, n, NONE);
    const nd = n * this.D;
    if (nd > 0) {
      this.dHead = growI32(this.dHead, nd, NONE);
      this.dCount = growI32(this.dCount, nd);
      this.uRec = growI32(this.uRec, nd, NONE);
    }
    this.wheel.ensure(n);
    this.keyCap = n;
  }

  init(slot: number): void {
    this.maxTs[slot] = 0;
    this.head[slot] = NONE;
    this.busyRec[slot] = NONE;
    for (let kd = slot * this.D; kd < (slot + 1) * this.D; kd++) {
      this.dHead[kd] = NONE;
      this.dCount[kd] = 0;
      this.uRec[kd] = NONE;
    }
    this.wheel.schedule(slot, this.sizeMs);
  }

  add(slot: number, event: CallEvent, ts: number, watermark: number): boolean {
    const hop = this.hopMs;
    const S = this.S;
    const idx = Math.floor(ts / hop);
    let maxTs = this.maxTs[slot]!;
    if (ts > maxTs) {
      // Before dropping: buckets leaving the window must leave the running total first.
      if (this.hasTotal(slot)) this.advance(slot, Math.floor(maxTs / hop), Math.floor(ts / hop));
      this.maxTs[slot] = maxTs = ts;
    }
    // This key's newest event is no clock (a partition may run ahead): only the watermark says what can no longer arrive.
    const horizon = Math.min(maxTs - this.latenessMs, watermark);
    const minIdx = Math.floor(horizon / hop) - this.span + 1;
    if (this.oldestBucket(slot) < minIdx) this.dropBefore(slot, minIdx);
    const rec = this.bucketFor(slot, idx);
    const base = rec * S;
    if (this.incremental) {
      const delta = this.delta;
      delta.fill(0);
      this.layout.accumulate(event, delta);
      const slots = this.recSlots;
      const sum = this.sumSlots;
      const sr = this.busyRec[slot]!;
      const sumBase = sr * S;
      const counted = sr !== NONE && this.inWindow(slot, idx);
      const c0 = sr !== NONE && this.inCached(2 * sr, idx);
      const c1 = sr !== NONE && this.inCached(2 * sr + 1, idx);
      const cached = this.cachedSlots;
      for (let i = 0; i < S; i++) {
        const d = delta[i]!;
        if (d === 0) continue;
        slots[base + i]! += d;
        if (counted) sum[sumBase + i]! += d;
        if (c0) cached[2 * sumBase + i]! += d;
        if (c1) cached[2 * sumBase + S + i]! += d;
      }
    } else {
      const x = this.scratch;
      const slots = this.recSlots;
      for (let i = 0; i < S; i++) x[i] = slots[base + i]!;
      this.layout.accumulate(event, x);
      for (let i = 0; i < S; i++) slots[base + i] = x[i]!;
    }
    if (this.D > 0) this.addDistinct(slot, event, idx, rec, minIdx);
    if (this.busyRec[slot] === NONE && this.bucketsAtLeast(slot, RUNNING_TOTAL_FROM)) this.makeBusy(slot);
    this.wheel.schedule(slot, this.maxTs[slot]! + this.sizeMs);
    return true;
  }

  private addDistinct(slot: number, event: CallEvent, idx: number, rec: number, minIdx: number): void {
    const inputs = this.layout.distinct;
    const S = this.S;
    const ent = this.entries;
    for (let d = 0; d < inputs.length; d++) {
      const input = inputs[d]!;
      if (input.where && !input.where(event)) continue;
      const h = this.layout.fingerprint(distinctValue(input, event));
      const kd = slot * this.D + d;
      if (this.dCount[kd]! < 0) {
        this.sketchAdd(slot, kd, d, rec, idx, h);
        continue;
      }
      // Find the fingerprint; records whose bucket has been dropped are freed on the way.
      let found = NONE;
      let prev = NONE;
      let e = this.dHead[kd]!;
      while (e !== NONE) {
        const n = ent.next[e]!;
        if (ent.fp[e] === h) {
          found = e;
          break;
        }
        if (ent.idx[e]! < minIdx) {
          if (prev === NONE) this.dHead[kd] = n;
          else ent.next[prev] = n;
          ent.pool.free(e);
          this.dCount[kd]!--;
        } else {
          prev = e;
        }
        e = n;
      }
      const s = input.slot;
      if (found !== NONE) {
        const was = ent.idx[found]!;
        if (was >= idx) continue;
        // Older than this event's bucket: found walking on from it.
        const old = this.findBucket(rec, was);
        if (old !== NONE) {
          this.recSlots[old * S + s]! -= 1;
          if (this.hasTotal(slot) && this.inWindow(slot, was)) this.sumSlots[this.busyRec[slot]! * S + s]! -= 1;
          if (this.busyRec[slot] !== NONE) this.bumpCached(this.busyRec[slot]!, was, s, -1);
        }
        ent.idx[found] = idx;
      } else if (this.dCount[kd]! >= EXACT_DISTINCT_LIMIT) {
        this.spill(slot, kd, d);
        this.sketchAdd(slot, kd, d, rec, idx, h);
        continue;
      } else {
        const n = ent.pool.alloc();
        ent.fp[n] = h;
        ent.idx[n] = idx;
        ent.next[n] = this.dHead[kd]!;
        this.dHead[kd] = n;
        this.dCount[kd]!++;
      }
      this.recSlots[rec * S + s]! += 1;
      if (this.hasTotal(slot) && this.inWindow(slot, idx)) this.sumSlots[this.busyRec[slot]! * S + s]! += 1;
      if (this.busyRec[slot] !== NONE) this.bumpCached(this.busyRec[slot]!, idx, s, 1);
    }
  }

  /** Moves a key's exact fingerprints into the sketches of the buckets they were last seen in. */
  private spill(slot: number, kd: number, d: number): void {
    const ent = this.entries;
    let e = this.dHead[kd]!;
    while (e !== NONE) {
      const n = ent.next[e]!;
      const r = this.findBucket(this.head[slot]!, ent.idx[e]!);
      if (r !== NONE) this.hll.add(this.sketchOf(r, d), ent.fp[e]!);
      ent.pool.free(e);
      e = n;
    }
    this.dHead[kd] = NONE;
    this.dCount[kd] = -1;
  }

  private sketchOf(rec: number, d: number): number {
    const at = rec * this.D + d;
    let b = this.recSketch.get(at);
    if (b === undefined) this.recSketch.set(at, (b = this.hll.alloc()));
    return b;
  }

  private sketchAdd(slot: number, kd: number, d: number, rec: number, idx: number, h: number): void {
    const at = rec * this.D + d;
    let raw = this.recSketch.get(at);
    const fresh = raw === undefined;
    if (raw === undefined) this.recSketch.set(at, (raw = this.hll.alloc()));
    this.hll.add(raw, h);
    const u = this.uRec[kd]!;
    if (u === NONE) return;
    const m = this.uPivot[u]!;
    if (!Number.isNaN(m)) {
      if (fresh) this.recCum.set(at, this.newCumulative(slot, d, rec, idx, m));
      this.addCumulative(slot, d, idx, m, h);
    }
    for (let c = 2 * u; c < 2 * u + 2; c++) {
      const end = this.uEnd[c]!;
      if (idx <= end && idx > end - this.span) this.hll.addTracked(this.uBlock[c]!, h, this.uAcc, 2 * c);
    }
  }

  /** A bucket's first sketch under a pivot m: its cumulative starts as its neighbour's on the pivot's side (nearest older prefix, nearest newer suffix). */
  private newCumulative(slot: number, d: number, rec: number, idx: number, m: number): number {
    const D = this.D;
    let from = NONE;
    if (idx >= m) {
      for (let r = this.recNext[rec]!; r !== NONE && this.recIdx[r]! >= m; r = this.recNext[r]!) {
        const c = this.recCum.get(r * D + d);
        if (c !== undefined) {
          from = c;
          break;
        }
      }
    } else {
      for (let r = this.head[slot]!; r !== rec; r = this.recNext[r]!) {
        if (this.recIdx[r]! >= m) continue;
        const c = this.recCum.get(r * D + d);
        if (c !== undefined) from = c;
      }
    }
    const b = this.hll.alloc();
    if (from !== NONE) this.hll.copy(b, from);
    return b;
  }

  /** A value added to bucket idx joins every cumulative sketch covering it: prefixes from idx on, suffixes up to idx (one register each). */
  private addCumulative(slot: number, d: number, idx: number, m: number, h: number): void {
    const D = this.D;
    const back = idx >= m;
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (back ? i < idx : i > idx) {
        if (back) break;
        continue;
      }
      const c = this.recCum.get(r * D + d);
      if (c !== undefined) this.hll.add(c, h);
    }
  }

  private hasTotal(slot: number): boolean {
    return this.incremental && this.busyRec[slot] !== NONE;
  }

  private oldestBucket(slot: number): number {
    const b = this.busyRec[slot]!;
    if (b !== NONE) return this.busyOldest[b]!;
    let r = this.head[slot]!;
    if (r === NONE) return Number.POSITIVE_INFINITY;
    while (this.recNext[r] !== NONE) r = this.recNext[r]!;
    return this.recIdx[r]!;
  }

  /** Whether the key holds at least n buckets (walks at most n records). */
  private bucketsAtLeast(slot: number, n: number): boolean {
    let r = this.head[slot]!;
    for (let i = 0; i < n; i++) {
      if (r === NONE) return false;
      r = this.recNext[r]!;
    }
    return true;
  }

  /** Gives the key its busy record: its oldest bucket and its running total, from its buckets in the window ending with its newest. */
  private makeBusy(slot: number): void {
    const oldest = this.oldestBucket(slot);
    const sr = this.busy.alloc();
    this.busyRec[slot] = sr;
    this.busyOldest[sr] = oldest;
    this.busyFinger[sr] = NONE;
    if (!this.incremental) return;
    if (this.caching) this.cachedEnd.fill(Number.NaN, 2 * sr, 2 * sr + 2);
    const S = this.S;
    const sum = this.sumSlots;
    sum.fill(0, sr * S, (sr + 1) * S);
    const end = Math.floor(this.maxTs[slot]! / this.hopMs);
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i > end) continue;
      if (i <= end - this.span) break;
      for (let k = 0; k < S; k++) sum[sr * S + k]! += this.recSlots[r * S + k]!;
    }
  }

  /** Whether bucket idx is in the running total's window (ending with the key's newest bucket). */
  private inWindow(slot: number, idx: number): boolean {
    const end = Math.floor(this.maxTs[slot]! / this.hopMs);
    return idx <= end && idx > end - this.span;
  }

  /** Whether bucket idx is in cached window c (false when none is cached: NaN compares false). */
  private inCached(c: number, idx: number): boolean {
    if (!this.caching) return false;
    const end = this.cachedEnd[c]!;
    return idx <= end && idx > end - this.span;
  }

  /** Adds d to slot k of each cached window of busy record sr holding bucket idx. */
  private bumpCached(sr: number, idx: number, k: number, d: number): void {
    for (let c = 2 * sr; c < 2 * sr + 2; c++) if (this.inCached(c, idx)) this.cachedSlots[c * this.S + k]! += d;
  }

  /** Moves the running total's window from ending at `from` to ending at `newest`: buckets that slid out leave the total. */
  private advance(slot: number, from: number, newest: number): void {
    if (newest <= from) return;
    const S = this.S;
    const leavingFrom = from - this.span + 1;
    const leavingTo = newest - this.span;
    const sr = this.busyRec[slot]!;
    // No bucket that old (a key calling now and then): nothing leaves, no walk.
    if (this.busyOldest[sr]! > leavingTo) return;
    const sum = this.sumSlots;
    const slots = this.recSlots;
    const sb = sr * S;
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i < leavingFrom) break;
      if (i > leavingTo) continue;
      for (let k = 0; k < S; k++) sum[sb + k]! -= slots[r * S + k]!;
    }
  }

  private bucketFor(slot: number, idx: number): number {
    const sr = this.busyRec[slot]!;
    const f = this.fingerFor(slot, idx);
    if (f !== NONE && this.recIdx[f] === idx) return f;
    let prev = f;
    let r = f !== NONE ? this.recNext[f]! : this.head[slot]!;
    while (r !== NONE && this.recIdx[r]! > idx) {
      prev = r;
      r = this.recNext[r]!;
    }
    if (r !== NONE && this.recIdx[r] === idx) {
      if (sr !== NONE) this.busyFinger[sr] = r;
      return r;
    }
    const n = this.recs.alloc();
    this.recIdx[n] = idx;
    this.recSlots.set(this.empty, n * this.S);
    this.recNext[n] = r;
    if (prev === NONE) this.head[slot] = n;
    else this.recNext[prev] = n;
    if (sr !== NONE) {
      if (r === NONE) this.busyOldest[sr] = idx;
      this.busyFinger[sr] = n;
    }
    return n;
  }

  /**
   * The busy key's finger if its bucket is not older than idx, else NONE: every record before the
   * finger is newer than it, so a walk for the buckets up to idx may start there.
   */
  private fingerFor(slot: number, idx: number): number {
    const sr = this.busyRec[slot]!;
    const f = sr === NONE ? NONE : this.busyFinger[sr]!;
    return f !== NONE && this.recIdx[f]! >= idx ? f : NONE;
  }

  /** Where a walk for the buckets up to idx may start: the finger if it is no older, else the newest bucket. */
  private walkFrom(slot: number, idx: number): number {
    const f = this.fingerFor(slot, idx);
    return f !== NONE ? f : this.head[slot]!;
  }

  /** The record of bucket idx, walking from record `from` (newer than it, or the key's head) on. */
  private findBucket(from: number, idx: number): number {
    for (let r = from; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i === idx) return r;
      if (i < idx) return NONE;
    }
    return NONE;
  }

  private dropBefore(slot: number, minIdx: number): void {
    let prev = NONE;
    let r = this.head[slot]!;
    while (r !== NONE && this.recIdx[r]! >= minIdx) {
      prev = r;
      r = this.recNext[r]!;
    }
    if (prev === NONE) this.head[slot] = NONE;
    else this.recNext[prev] = NONE;
    const b = this.busyRec[slot]!;
    if (b !== NONE) {
      this.busyOldest[b] = prev === NONE ? Number.POSITIVE_INFINITY : this.recIdx[prev]!;
      // The finger's record may be freed below (and reused by another key).
      const f = this.busyFinger[b]!;
      if (f !== NONE && this.recIdx[f]! < minIdx) this.busyFinger[b] = NONE;
      // A cached window that held a dropped bucket no longer equals a merge of the live ones.
      if (this.caching) for (let c = 2 * b; c < 2 * b + 2; c++) if (this.cachedEnd[c]! - this.span + 1 < minIdx) this.cachedEnd[c] = Number.NaN;
    }
    this.freeChain(r);
    // A union sketch that covered a dropped bucket is stale (cumulative ones stay right: see recCum).
    for (let kd = slot * this.D; kd < (slot + 1) * this.D; kd++) {
      const u = this.uRec[kd]!;
      if (u === NONE) continue;
      for (let c = 2 * u; c < 2 * u + 2; c++) if (this.uEnd[c]! - this.span + 1 < minIdx) this.uEnd[c] = Number.NaN;
    }
  }

  private freeChain(r: number): void {
    while (r !== NONE) {
      const n = this.recNext[r]!;
      if (this.recSketch.size > 0) {
        for (let at = r * this.D; at < (r + 1) * this.D; at++) {
          const b = this.recSketch.get(at);
          if (b !== undefined) {
            this.hll.free(b);
            this.recSketch.delete(at);
          }
          const c = this.recCum.get(at);
          if (c !== undefined) {
            this.hll.free(c);
            this.recCum.delete(at);
          }
        }
      }
      this.recs.free(r);
      r = n;
    }
  }

  evaluate(slot: number, ts: number, into: Float64Array, sketches = true): void {
    const hop = this.hopMs;
    // The newest window still holding `ts`: a late event is judged together with what arrived after it.
    const own = Math.floor(ts / hop);
    const end = Math.max(own, Math.min(Math.floor(this.maxTs[slot]! / hop), own + this.span - 1));
    const first = end - this.span + 1;
    this.start = first * hop;
    this.end = (end + 1) * hop;
    const newest = Math.floor(this.maxTs[slot]! / hop);
    if (this.hasTotal(slot) && end === newest) {
      const S = this.S;
      for (let i = 0, b = this.busyRec[slot]! * S; i < S; i++) into[i] = this.sumSlots[b + i]!;
    } else if (this.caching && this.busyRec[slot] !== NONE) {
      // An event read a window or more behind its key's newest (partitions far apart).
      this.cachedWindow(slot, 2 * this.busyRec[slot]!, end, newest, into);
    } else {
      this.mergeRange(slot, first, end, into);
    }
    if (this.D > 0 && sketches) this.sketchedDistinct(slot, first, end, into);
  }

  completeSketches(slot: number, into: Float64Array): void {
    if (this.D > 0) this.sketchedDistinct(slot, this.start / this.hopMs, this.end / this.hopMs - 1, into);
  }

  evaluateAsOf(slot: number, ts: number, into: Float64Array, sketches = true): boolean {
    const hop = this.hopMs;
    const own = Math.floor(ts / hop);
    if (Math.floor(this.maxTs[slot]! / hop) <= own) return false;
    const first = own - this.span + 1;
    this.start = first * hop;
    this.end = (own + 1) * hop;
    const newest = Math.floor(this.maxTs[slot]! / hop);
    if (this.caching && this.busyRec[slot] !== NONE) this.cachedWindow(slot, 2 * this.busyRec[slot]! + 1, own, newest, into);
    else if (this.hasTotal(slot) && newest - own < this.span) this.totalAsOf(slot, first, own, newest, into);
    else this.mergeRange(slot, first, own, into);
    if (this.D > 0 && sketches) this.sketchedDistinct(slot, first, own, into);
    return true;
  }

  /**
   * The window ending at bucket `end` (before the newest) into `into`, through cached window c: as it
   * is if it ends there, moved if it ends less than a window away, else merged afresh and kept.
   */
  private cachedWindow(slot: number, c: number, end: number, newest: number, into: Float64Array): void {
    const S = this.S;
    const at = this.cachedEnd[c]!;
    if (at === end) {
      this.cachedHits++;
    } else if (Math.abs(end - at) < this.span) {
      this.shiftCached(slot, c, at, end);
    } else {
      if (this.hasTotal(slot) && newest - end < this.span) this.totalAsOf(slot, end - this.span + 1, end, newest, into);
      else this.mergeRange(slot, end - this.span + 1, end, into);
      this.cachedEnd[c] = end;
      for (let i = 0, b = c * S; i < S; i++) this.cachedSlots[b + i] = into[i]!;
      return;
    }
    for (let i = 0, b = c * S; i < S; i++) into[i] = this.cachedSlots[b + i]!;
  }

  /**
   * Moves cached window c from ending at bucket `from` to ending at `to` (less than a window apart):
   * buckets only in the new window join its total, buckets only in the old one leave it.
   */
  private shiftCached(slot: number, c: number, from: number, to: number): void {
    this.cachedShifts++;
    const S = this.S;
    const span = this.span;
    const sum = this.cachedSlots;
    const slots = this.recSlots;
    const sb = c * S;
    const newest = Math.max(from, to);
    const oldest = Math.min(from, to) - span + 1;
    for (let r = this.walkFrom(slot, newest); r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i > newest) continue;
      if (i < oldest) break;
      const inNew = i <= to && i > to - span;
      const inOld = i <= from && i > from - span;
      if (inNew === inOld) continue;
      const b = r * S;
      if (inNew) for (let k = 0; k < S; k++) sum[sb + k]! += slots[b + k]!;
      else for (let k = 0; k < S; k++) sum[sb + k]! -= slots[b + k]!;
    }
    this.cachedEnd[c] = to;
  }

  /**
   * A late event's window [first, own] from the running total of the newest one: the few buckets after
   * own leave it, the ones it still holds before the newest window join it (sums only).
   */
  private totalAsOf(slot: number, first: number, own: number, newest: number, into: Float64Array): void {
    const S = this.S;
    const slots = this.recSlots;
    for (let i = 0, b = this.busyRec[slot]! * S; i < S; i++) into[i] = this.sumSlots[b + i]!;
    const slidOut = newest - this.span;
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i < first) break;
      const b = r * S;
      if (i > own) {
        for (let k = 0; k < S; k++) into[k]! -= slots[b + k]!;
      } else if (i <= slidOut) {
        for (let k = 0; k < S; k++) into[k]! += slots[b + k]!;
      }
    }
  }

  private mergeRange(slot: number, first: number, end: number, into: Float64Array): void {
    const S = this.S;
    into.set(this.empty);
    const kinds = this.mergeKind;
    const slots = this.recSlots;
    for (let r = this.walkFrom(slot, end); r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i > end) continue;
      if (i < first) break;
      const b = r * S;
      for (let k = 0; k < S; k++) {
        const v = slots[b + k]!;
        const kind = kinds[k]!;
        if (kind === SUM) into[k]! += v;
        else if (kind === MAX) into[k] = Math.max(into[k]!, v);
        else into[k] = Math.min(into[k]!, v);
      }
    }
  }

  /** Distinct counts of spilled keys: the estimate of the union of the window's bucket sketches. */
  private sketchedDistinct(slot: number, first: number, end: number, into: Float64Array): void {
    const inputs = this.layout.distinct;
    for (let d = 0; d < inputs.length; d++) {
      const kd = slot * this.D + d;
      if (this.dCount[kd]! >= 0) continue;
      let u = this.uRec[kd]!;
      if (u === NONE) {
        this.uRec[kd] = u = this.unions.alloc();
        this.uPivot[u] = Number.NaN;
        for (let c = 2 * u; c < 2 * u + 2; c++) {
          this.uBlock[c] = this.hll.alloc();
          this.uEnd[c] = Number.NaN;
        }
      }
      const c = this.unionOf(slot, u, d, first, end);
      const input = inputs[d]!;
      let est = Math.round(estimateFrom(this.uAcc[2 * c]!, this.uAcc[2 * c + 1]!));
      // No more distinct values than counted events (distinct_ratio keeps that count).
      if (input.countSlot !== undefined) est = Math.min(est, into[input.countSlot]!);
      into[input.slot] = est;
    }
  }

  /** The cache (2u or 2u + 1) holding the union of the window [first, end] of buckets, computed if neither does. */
  private unionOf(slot: number, u: number, d: number, first: number, end: number): number {
    if (this.uEnd[2 * u] === end) return 2 * u;
    if (this.uEnd[2 * u + 1] === end) return 2 * u + 1;
    const newest = Math.floor(this.maxTs[slot]! / this.hopMs);
    const c = end === newest ? 2 * u : 2 * u + 1;
    const block = this.uBlock[c]!;
    let m = this.uPivot[u]!;
    if (!(first < m && end >= m - 1)) {
      // A pivot serving this window and the newest one, kept pivotBack buckets behind the newest for late windows to come.
      const lo = Math.max(first, newest - this.span + 1);
      if (lo > end) {
        this.rebuildUnion(slot, c, d, first, end);
        return c;
      }
      m = Math.min(end + 1, Math.max(lo + 1, newest + 1 - this.pivotBack));
      this.pivot(slot, u, d, m);
    }
    // The suffix of the oldest bucket in [first, m) and the prefix of the newest in [m, end].
    let suf = NONE;
    let pre = NONE;
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i > end) continue;
      if (i < first) break;
      const cum = this.recCum.get(r * this.D + d);
      if (cum === undefined) continue;
      if (i < m) suf = cum;
      else if (pre === NONE) pre = cum;
    }
    if (suf !== NONE || pre !== NONE) {
      this.hll.unionSummarised(block, suf !== NONE ? suf : pre, pre !== NONE ? pre : suf, this.uAcc, 2 * c);
    } else {
      this.hll.clear(block);
      this.hll.summarise(block, this.uAcc, 2 * c);
    }
    this.uEnd[c] = end;
    return c;
  }

  /** Builds the cumulative sketches of every bucket of the key around pivot m (see recCum). */
  private pivot(slot: number, u: number, d: number, m: number): void {
    const D = this.D;
    let n = 0;
    let prev = NONE;
    // Suffixes in chain order (newest first); the buckets from m on are listed to build prefixes oldest first.
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const at = r * D + d;
      const raw = this.recSketch.get(at);
      if (raw === undefined) continue;
      let cum = this.recCum.get(at);
      if (cum === undefined) this.recCum.set(at, (cum = this.hll.alloc()));
      if (this.recIdx[r]! >= m) {
        if (2 * n + 2 > this.order.length) this.order = growI32(this.order, Math.max(64, 2 * this.order.length));
        this.order[2 * n] = raw;
        this.order[2 * n + 1] = cum;
        n++;
        continue;
      }
      if (prev === NONE) this.hll.copy(cum, raw);
      else this.hll.union(cum, raw, prev);
      prev = cum;
    }
    prev = NONE;
    for (let k = n - 1; k >= 0; k--) {
      const raw = this.order[2 * k]!;
      const cum = this.order[2 * k + 1]!;
      if (prev === NONE) this.hll.copy(cum, raw);
      else this.hll.union(cum, raw, prev);
      prev = cum;
    }
    this.uPivot[u] = m;
  }

  /** The union of the window from every bucket sketch in it: only for a window no pivot can serve with the newest (older than it by a whole window). */
  private rebuildUnion(slot: number, c: number, d: number, first: number, end: number): void {
    this.unionRebuilds++;
    const u = this.uBlock[c]!;
    this.hll.clear(u);
    for (let r = this.head[slot]!; r !== NONE; r = this.recNext[r]!) {
      const i = this.recIdx[r]!;
      if (i > end) continue;
      if (i < first) break;
      const b = this.recSketch.get(r * this.D + d);
      if (b !== undefined) this.hll.merge(u, b);
    }
    this.hll.summarise(u, this.uAcc, 2 * c);
    this.uEnd[c] = end;
  }

  /** Whole-sketch passes (merges, copies) spent on distinct counts so far: for tests and benchmarks. */
  get sketchPasses(): number {
    return this.hll.passes;
  }

  expired(slot: number, watermark: number): boolean {
    return this.maxTs[slot]! < watermark - this.sizeMs;
  }

  sweep(watermark: number, expire: (slot: number) => void, budget?: number): number {
    return this.wheel.collect(watermark, expire, budget);
  }

  release(slot: number): void {
    this.freeChain(this.head[slot]!);
    this.head[slot] = NONE;
    if (this.busyRec[slot] !== NONE) {
      this.busy.free(this.busyRec[slot]!);
      this.busyRec[slot] = NONE;
    }
    const ent = this.entries;
    for (let kd = slot * this.D; kd < (slot + 1) * this.D; kd++) {
      let e = this.dHead[kd]!;
      while (e !== NONE) {
        const n = ent.next[e]!;
        ent.pool.free(e);
        e = n;
      }
      this.dHead[kd] = NONE;
      const u = this.uRec[kd]!;
      if (u !== NONE) {
        this.hll.free(this.uBlock[2 * u]!);
        this.hll.free(this.uBlock[2 * u + 1]!);
        this.unions.free(u);
      }
      this.uRec[kd] = NONE;
    }
    this.wheel.unschedule(slot);
  }

  /** Live bucket records (for tests and the state metric). */
  get bucketRecords(): number {
    return this.recs.live;
  }

  bytes(): number {
    return this.maxTs.byteLength + this.head.byteLength
      + this.busyRec.byteLength + this.busyOldest.byteLength + this.busyFinger.byteLength + this.sumSlots.byteLength
      + this.cachedEnd.byteLength + this.cachedSlots.byteLength + this.busy.bytes()
      + this.dHead.byteLength + this.dCount.byteLength + this.uRec.byteLength
      + this.uPivot.byteLength + this.uBlock.byteLength + this.uEnd.byteLength + this.uAcc.byteLength + this.unions.bytes() + this.order.byteLength
      + this.recIdx.byteLength + this.recNext.byteLength + this.recSlots.byteLength + 40 * (this.recSketch.size + this.recCum.size) + this.recs.bytes()
      + this.entries.bytes() + this.hll.bytes() + this.wheel.bytes();
  }
}
