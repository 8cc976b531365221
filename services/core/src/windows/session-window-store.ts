import type { CallEvent } from '../events.js';
import { ExpiryWheel } from './expiry-wheel.js';
import { estimateFrom, HyperLogLogSlab } from './hyperloglog-slab.js';
import { distinctValue, type MeasureLayout } from './measure-layout.js';
import { growF64, growI32 } from './typed-columns.js';
import { EXACT_DISTINCT_LIMIT, FingerprintSlab, type WindowStore } from './window-store.js';

const NONE = -1;
/** Expiry lists per this many parts of the gap: a sweep rechecks at most one such part's keys. */
const WHEEL_PARTS = 16;

/**
 * SessionWindow for every key of a rule: per key the session's start, its last event and its
 * slots in columns; distinct values exact up to EXACT_DISTINCT_LIMIT, then one HyperLogLog sketch
 * per key and measure (a session only grows until it restarts).
 */
export class SessionWindowStore implements WindowStore {
  start = 0;
  end = 0;
  private readonly S: number;
  private readonly D: number;
  private readonly empty: Float64Array;
  private readonly scratch: Float64Array;
  private keyCap = 0;
  private first = new Float64Array(0);
  private last = new Float64Array(0);
  private slots = new Float64Array(0);
  private dHead = new Int32Array(0);
  private dCount = new Int32Array(0);
  private sketch = new Int32Array(0);
  private acc = new Float64Array(0);
  private readonly entries = new FingerprintSlab();
  private readonly hll = new HyperLogLogSlab();
  private readonly wheel: ExpiryWheel;

  constructor(
    private readonly layout: MeasureLayout,
    readonly gapMs: number,
    readonly maxMs: number,
  ) {
    this.S = layout.slotCount;
    this.D = layout.distinct.length;
    this.empty = layout.newSlots();
    this.scratch = layout.newSlots();
    this.wheel = new ExpiryWheel(Math.max(1, Math.ceil(gapMs / WHEEL_PARTS)), (slot, wm) => this.expired(slot, wm));
  }

  ensure(slotCapacity: number): void {
    if (slotCapacity <= this.keyCap) return;
    const n = slotCapacity;
    this.first = growF64(this.first, n);
    this.last = growF64(this.last, n);
    this.slots = growF64(this.slots, n * this.S);
    const nd = n * this.D;
    if (nd > 0) {
      this.dHead = growI32(this.dHead, nd, NONE);
      this.dCount = growI32(this.dCount, nd);
      this.sketch = growI32(this.sketch, nd, NONE);
      this.acc = growF64(this.acc, 2 * nd);
    }
    this.wheel.ensure(n);
    this.keyCap = n;
  }

  init(slot: number, ts: number): void {
    this.first[slot] = ts;
    this.last[slot] = ts;
    this.slots.set(this.empty, slot * this.S);
    for (let kd = slot * this.D; kd < (slot + 1) * this.D; kd++) {
      this.dHead[kd] = NONE;
      this.dCount[kd] = 0;
      this.sketch[kd] = NONE;
    }
    this.wheel.schedule(slot, ts + this.gapMs);
  }

  add(slot: number, event: CallEvent, ts: number): boolean {
    const S = this.S;
    const base = slot * S;
    if (ts > this.last[slot]! + this.gapMs || ts - this.first[slot]! > this.maxMs) {
      // Gap exceeded or session too long: start a new session in place.
      this.first[slot] = ts;
      this.last[slot] = ts;
      this.slots.set(this.empty, base);
      this.clearDistinct(slot);
    } else if (ts < this.first[slot]! - this.gapMs) {
      return false; // a late event from an earlier, already closed session
    }
    if (ts < this.first[slot]!) this.first[slot] = ts;
    if (ts > this.last[slot]!) this.last[slot] = ts;
    const x = this.scratch;
    const slots = this.slots;
    for (let i = 0; i < S; i++) x[i] = slots[base + i]!;
    this.layout.accumulate(event, x);
    if (this.D > 0) this.addDistinct(slot, event, x);
    for (let i = 0; i < S; i++) slots[base + i] = x[i]!;
    this.wheel.schedule(slot, this.last[slot]! + this.gapMs);
    return true;
  }

  private addDistinct(slot: number, event: CallEvent, x: Float64Array): void {
    const inputs = this.layout.distinct;
    const ent = this.entries;
    for (let d = 0; d < inputs.length; d++) {
      const input = inputs[d]!;
      if (input.where && !input.where(event)) continue;
      const h = this.layout.fingerprint(distinctValue(input, event));
      const kd = slot * this.D + d;
      if (this.dCount[kd]! < 0) {
        this.hll.addTracked(this.sketch[kd]!, h, this.acc, 2 * kd);
        continue;
      }
      let e = this.dHead[kd]!;
      while (e !== NONE && ent.fp[e] !== h) e = ent.next[e]!;
      if (e !== NONE) continue;
      if (this.dCount[kd]! >= EXACT_DISTINCT_LIMIT) {
        this.spill(kd);
        this.hll.addTracked(this.sketch[kd]!, h, this.acc, 2 * kd);
        continue;
      }
      const n = ent.pool.alloc();
      ent.fp[n] = h;
      ent.next[n] = this.dHead[kd]!;
      this.dHead[kd] = n;
      this.dCount[kd]!++;
      x[input.slot]! += 1;
    }
  }

  private spill(kd: number): void {
    const ent = this.entries;
    const b = this.hll.alloc();
    let e = this.dHead[kd]!;
    while (e !== NONE) {
      const n = ent.next[e]!;
      this.hll.add(b, ent.fp[e]!);
      ent.pool.free(e);
      e = n;
    }
    this.sketch[kd] = b;
    this.hll.summarise(b, this.acc, 2 * kd);
    this.dHead[kd] = NONE;
    this.dCount[kd] = -1;
  }

  private clearDistinct(slot: number): void {
    const ent = this.entries;
    for (let kd = slot * this.D; kd < (slot + 1) * this.D; kd++) {
      let e = this.dHead[kd]!;
      while (e !== NONE) {
        const n = ent.next[e]!;
        ent.pool.free(e);
        e = n;
      }
      this.dHead[kd] = NONE;
      this.dCount[kd] = 0;
      const b = this.sketch[kd]!;
      if (b !== NONE) this.hll.free(b);
      this.sketch[kd] = NONE;
    }
  }

  evaluate(slot: number, _ts: number, into: Float64Array): void {
    const S = this.S;
    for (let i = 0, b = slot * S; i < S; i++) into[i] = this.slots[b + i]!;
    this.start = this.first[slot]!;
    this.end = this.last[slot]!;
    const inputs = this.layout.distinct;
    for (let d = 0; d < inputs.length; d++) {
      const kd = slot * this.D + d;
      if (this.dCount[kd]! >= 0) continue;
      const input = inputs[d]!;
      let est = Math.round(estimateFrom(this.acc[2 * kd]!, this.acc[2 * kd + 1]!));
      if (input.countSlot !== undefined) est = Math.min(est, into[input.countSlot]!);
      into[input.slot] = est;
    }
  }

  evaluateAsOf(): boolean {
    return false;
  }

  /** A session's sketches are summarised as they grow: evaluate always fills them in. */
  completeSketches(): void {}

  expired(slot: number, watermark: number): boolean {
    return this.last[slot]! + this.gapMs < watermark;
  }

  sweep(watermark: number, expire: (slot: number) => void, budget?: number): number {
    return this.wheel.collect(watermark, expire, budget);
  }

  release(slot: number): void {
    this.clearDistinct(slot);
    this.wheel.unschedule(slot);
  }

  bytes(): number {
    return this.first.byteLength + this.last.byteLength + this.slots.byteLength + this.dHead.byteLength + this.dCount.byteLength
      + this.sketch.byteLength + this.acc.byteLength + this.entries.bytes() + this.hll.bytes() + this.wheel.bytes();
  }
}
