import { growI32 } from './typed-columns.js';

const NONE = -1;
/** tickOf of an unscheduled slot. */
const UNSCHEDULED = -0x80000000;
const MAX_OFFSET = 0x7fffffff;

/**
 * When each key's state expires, as intrusive doubly linked lists (typed arrays indexed by slot)
 * per tick of `granularityMs`: a sweep visits only the ticks the watermark has passed and the keys
 * listed there, never every key. A key moves list when its expiry time moves to another tick (at
 * most once per tick of its own activity); it joins the list's tail, so a list runs roughly from
 * the earliest expiry to the latest (events come roughly in time order).
 */
export class ExpiryWheel {
  /** Each slot's tick, as an offset from the first tick scheduled (Int32: 4 bytes a key). */
  private tickOf: Int32Array = new Int32Array(0);
  private base = Number.NaN;
  private prev: Int32Array = new Int32Array(0);
  private next: Int32Array = new Int32Array(0);
  private readonly heads = new Map<number, number>();
  private readonly tails = new Map<number, number>();
  /** No list below this tick holds a key. */
  private lowest = Number.POSITIVE_INFINITY;

  /** `due(slot, watermark)`: whether the key has expired (its owner knows its expiry time; the wheel keeps only the tick). */
  constructor(private readonly granularityMs: number, private readonly due: (slot: number, watermark: number) => boolean) {}

  ensure(capacity: number): void {
    if (capacity <= this.tickOf.length) return;
    this.tickOf = growI32(this.tickOf, capacity, UNSCHEDULED);
    this.prev = growI32(this.prev, capacity, NONE);
    this.next = growI32(this.next, capacity, NONE);
  }

  /** The key's state expires once the watermark passes `expiresAt` (strictly). */
  schedule(slot: number, expiresAt: number): void {
    if (Number.isNaN(this.base)) this.base = Math.floor(expiresAt / this.granularityMs);
    // Beyond ±2^31 ticks of the first (decades at any sane granularity), a key waits in the outermost tick: late, never early (`due` decides).
    const offset = Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, Math.floor(expiresAt / this.granularityMs) - this.base));
    if (this.tickOf[slot] === offset) return;
    this.unlink(slot);
    this.tickOf[slot] = offset;
    const tick = this.base + offset;
    const tail = this.tails.get(tick);
    this.next[slot] = NONE;
    this.prev[slot] = tail ?? NONE;
    if (tail !== undefined) this.next[tail] = slot;
    else this.heads.set(tick, slot);
    this.tails.set(tick, slot);
    if (tick < this.lowest) this.lowest = tick;
  }

  unschedule(slot: number): void {
    this.unlink(slot);
    this.tickOf[slot] = UNSCHEDULED;
  }

  /**
   * Calls `expire` for scheduled keys due at `watermark` (`expire` must unschedule them), at most
   * `budget` of them: every key of the ticks the watermark has passed, and in the tick holding it the
   * keys from its list's head up to the first not yet due (the list is only roughly in expiry order,
   * so a due key behind it may wait for a later sweep: its owner must treat a key it finds expired as
   * gone). Returns the budget left, or -1 if it ran out first; a later call goes on from there.
   */
  collect(watermark: number, expire: (slot: number) => void, budget = Number.POSITIVE_INFINITY): number {
    if (this.heads.size === 0) return budget;
    const last = Math.floor(watermark / this.granularityMs);
    if (last < this.lowest) return budget;
    let left = budget;
    if (last - this.lowest > 4 * this.heads.size) {
      // A long jump of event time: visit the lists there are instead of every tick in between.
      const ticks = [...this.heads.keys()].filter((t) => t <= last).sort((a, b) => a - b);
      for (const t of ticks) {
        left = this.collectTick(t, watermark, expire, left);
        if (left < 0) return this.stoppedIn(t);
      }
    } else {
      for (let t = this.lowest; t <= last; t++) {
        if (!this.heads.has(t)) continue;
        left = this.collectTick(t, watermark, expire, left);
        if (left < 0) return this.stoppedIn(t);
      }
    }
    // The tick holding the watermark may keep keys that expire later within it.
    this.lowest = this.heads.has(last) ? last : last + 1;
    if (this.heads.size === 0) this.lowest = Number.POSITIVE_INFINITY;
    return left;
  }

  /** Expires the tick's due keys from its head, up to the first not due, while `left` lasts: the budget left, or -1 if it ran out first. */
  private collectTick(tick: number, watermark: number, expire: (slot: number) => void, left: number): number {
    let s = this.heads.get(tick) ?? NONE;
    while (s !== NONE && this.due(s, watermark)) {
      if (left <= 0) return -1;
      left--;
      const n = this.next[s]!;
      expire(s);
      s = n;
    }
    return left;
  }

  /** Ran out in tick t: no list below it holds a due key, and the next call starts there. */
  private stoppedIn(tick: number): number {
    this.lowest = Math.min(this.lowest, tick);
    return -1;
  }

  private unlink(slot: number): void {
    const offset = this.tickOf[slot]!;
    if (offset === UNSCHEDULED) return;
    const tick = this.base + offset;
    const p = this.prev[slot]!;
    const n = this.next[slot]!;
    if (p !== NONE) this.next[p] = n;
    else if (n === NONE) this.heads.delete(tick);
    else this.heads.set(tick, n);
    if (n !== NONE) this.prev[n] = p;
    else if (p === NONE) this.tails.delete(tick);
    else this.tails.set(tick, p);
    this.prev[slot] = NONE;
    this.next[slot] = NONE;
  }

  bytes(): number {
    return this.tickOf.byteLength + this.prev.byteLength + this.next.byteLength + 80 * this.heads.size;
  }
}
