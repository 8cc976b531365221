import type { CallEvent } from '../events.js';
import type { KeyedWindow, WindowBounds } from './keyed-window.js';
import { distinctValue, type MeasureLayout } from './measure-layout.js';

export interface Bucket {
  idx: number;
  slots: Float64Array;
}

export interface BucketedState {
  /** Non-empty buckets, ascending by index: sparse, so a quiet key costs one bucket. */
  buckets: Bucket[];
  /** Per distinct measure: value fingerprint → latest bucket it was seen in. */
  distinct: Map<number, number>[] | undefined;
  maxTs: number;
  /** Running total of the window ending with the newest bucket (sum-only layouts). */
  sum: Float64Array | undefined;
  sumEnd: number;
  /** Distinct-map size at which stale fingerprints are next pruned (amortised). */
  pruneAt: number;
}

const MIN_PRUNE_AT = 64;

/**
 * Sliding (hopping) windows of `size` advancing by `hop`, kept as hop-sized buckets; a tumbling
 * window is the special case hop = size. Buckets are kept for size + allowed lateness so a late
 * event still lands in the bucket of its own event time, and never dropped while the watermark
 * still accepts events that need them.
 */
export class BucketedWindow implements KeyedWindow<BucketedState> {
  private readonly span: number;
  /** Every slot merges by addition: the window total can be kept running instead of re-summed. */
  private readonly incremental: boolean;
  private readonly delta: Float64Array;

  constructor(
    private readonly layout: MeasureLayout,
    readonly sizeMs: number,
    readonly hopMs: number,
    private readonly latenessMs: number,
  ) {
    this.span = sizeMs / hopMs;
    this.incremental = layout.merges.every((m) => m === 'sum');
    this.delta = layout.newSlots();
  }

  create(): BucketedState {
    return {
      buckets: [],
      distinct: this.layout.distinct.length > 0 ? this.layout.distinct.map(() => new Map()) : undefined,
      maxTs: 0,
      sum: this.incremental ? this.layout.newSlots() : undefined,
      sumEnd: Number.NEGATIVE_INFINITY,
      pruneAt: MIN_PRUNE_AT,
    };
  }

  private bucketFor(state: BucketedState, idx: number): Bucket {
    const b = state.buckets;
    let i = b.length - 1;
    while (i >= 0 && b[i]!.idx > idx) i--;
    if (i >= 0 && b[i]!.idx === idx) return b[i]!;
    const bucket = { idx, slots: this.layout.newSlots() };
    b.splice(i + 1, 0, bucket);
    return bucket;
  }

  private findBucket(state: BucketedState, idx: number): Bucket | undefined {
    const b = state.buckets;
    for (let i = b.length - 1; i >= 0; i--) {
      const x = b[i]!;
      if (x.idx === idx) return x;
      if (x.idx < idx) return undefined;
    }
    return undefined;
  }

  add(state: BucketedState, event: CallEvent, ts: number, watermark = Number.POSITIVE_INFINITY): boolean {
    const idx = Math.floor(ts / this.hopMs);
    if (ts > state.maxTs) state.maxTs = ts;
    const sum = state.sum;
    if (sum) {
      // Before dropping: buckets leaving the window must leave the running total first.
      const newest = Math.floor(state.maxTs / this.hopMs);
      if (newest > state.sumEnd) this.advance(state, sum, newest);
    }
    // This key's newest event is no clock: read from a partition that runs ahead, it is ahead of
    // events other partitions still hold. Only the watermark says what can no longer arrive.
    const horizon = Math.min(state.maxTs - this.latenessMs, watermark);
    this.dropBefore(state, Math.floor(horizon / this.hopMs) - this.span + 1);
    const bucket = this.bucketFor(state, idx);
    if (sum) {
      const delta = this.delta;
      delta.fill(0);
      this.layout.accumulate(event, delta);
      const slots = bucket.slots;
      const counted = this.inWindow(state, idx);
      for (let i = 0; i < delta.length; i++) {
        const d = delta[i]!;
        if (d === 0) continue;
        slots[i]! += d;
        if (counted) sum[i]! += d;
      }
    } else {
      this.layout.accumulate(event, bucket.slots);
    }
    if (state.distinct) {
      const inputs = this.layout.distinct;
      for (let d = 0; d < inputs.length; d++) {
        const input = inputs[d]!;
        if (input.where && !input.where(event)) continue;
        const h = this.layout.fingerprint(distinctValue(input, event));
        const seen = state.distinct[d]!;
        const prev = seen.get(h);
        if (prev !== undefined && prev >= idx) continue;
        if (prev !== undefined) {
          const old = this.findBucket(state, prev);
          if (old) {
            old.slots[input.slot]! -= 1;
            if (sum && this.inWindow(state, prev)) sum[input.slot]! -= 1;
          }
        }
        seen.set(h, idx);
        bucket.slots[input.slot]! += 1;
        if (sum && this.inWindow(state, idx)) sum[input.slot]! += 1;
      }
    }
    return true;
  }

  private inWindow(state: BucketedState, idx: number): boolean {
    return idx <= state.sumEnd && idx > state.sumEnd - this.span;
  }

  /** Moves the running total's window to end at `newest`: buckets that slid out leave the total. */
  private advance(state: BucketedState, sum: Float64Array, newest: number): void {
    const leavingFrom = state.sumEnd - this.span + 1;
    const leavingTo = newest - this.span;
    for (const b of state.buckets) {
      if (b.idx < leavingFrom || b.idx > leavingTo) continue;
      const x = b.slots;
      for (let i = 0; i < x.length; i++) sum[i]! -= x[i]!;
    }
    state.sumEnd = newest;
  }

  evaluate(state: BucketedState, ts: number, into: Float64Array): WindowBounds {
    // The newest window still holding `ts`: a late event is judged together with what arrived after it.
    const own = Math.floor(ts / this.hopMs);
    const end = Math.max(own, Math.min(Math.floor(state.maxTs / this.hopMs), own + this.span - 1));
    const first = end - this.span + 1;
    if (state.sum && end === state.sumEnd) {
      into.set(state.sum);
      return { start: first * this.hopMs, end: (end + 1) * this.hopMs };
    }
    this.layout.reset(into);
    for (const b of state.buckets) if (b.idx >= first && b.idx <= end) this.layout.merge(into, b.slots);
    return { start: first * this.hopMs, end: (end + 1) * this.hopMs };
  }

  evaluateAsOf(state: BucketedState, ts: number, into: Float64Array): WindowBounds | undefined {
    const own = Math.floor(ts / this.hopMs);
    if (Math.floor(state.maxTs / this.hopMs) <= own) return undefined;
    const first = own - this.span + 1;
    this.layout.reset(into);
    for (const b of state.buckets) if (b.idx >= first && b.idx <= own) this.layout.merge(into, b.slots);
    return { start: first * this.hopMs, end: (own + 1) * this.hopMs };
  }

  private dropBefore(state: BucketedState, minIdx: number): void {
    const b = state.buckets;
    if (b.length === 0 || b[0]!.idx >= minIdx) return;
    let n = 0;
    while (n < b.length && b[n]!.idx < minIdx) n++;
    b.splice(0, n);
    // Stale fingerprints are harmless (their bucket is gone, so nothing is decremented): prune them
    // only when a map has doubled since the last prune, so a busy key is not rescanned every hop.
    if (!state.distinct) return;
    let size = 0;
    for (const m of state.distinct) size += m.size;
    if (size < state.pruneAt) return;
    size = 0;
    for (const m of state.distinct) {
      for (const [h, idx] of m) if (idx < minIdx) m.delete(h);
      size += m.size;
    }
    state.pruneAt = Math.max(MIN_PRUNE_AT, 2 * size);
  }

  expired(state: BucketedState, watermark: number): boolean {
    return state.maxTs < watermark - this.sizeMs;
  }

  sizeOf(state: BucketedState): number {
    let bytes = 64 + state.buckets.length * (48 + this.layout.slotCount * 8);
    if (state.distinct) for (const m of state.distinct) bytes += 64 + m.size * 24;
    return bytes;
  }
}
