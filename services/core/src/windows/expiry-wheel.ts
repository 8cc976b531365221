import { growI32 } from './typed-columns.js';

const NONE = -1;
/** tickOf of an unscheduled slot. */
const UNSCHEDULED = -0x80000000;
const MAX_OFFSET = 0x7fffffff;

/**
 * When each key's state expires, as intrusive doubly linked lists (typed arrays indexed by slot)
 * per tick of `granularityMs`: a sweep visits only the ticks the watermark has passed and the keys
 * listed there, never every key. A key moves list when its expiry time moves to another tick (at
 * most once per tick of its own activity).
 */
export class ExpiryWheel {
  /** Each slot's tick, as an offset from the first tick scheduled (Int32: 4 bytes a key). */
  private tickOf: Int32Array = new Int32Array(0);
  private base = Number.NaN;
  private prev: Int32Array = new Int32Array(0);
  private next: Int32Array = new Int32Array(0);
  private readonly heads = new Map<number, number>();
  /** No list below this tick holds a key. */
  private lowest = Number.POSITIVE_INFINITY;
  /** Where a budgeted collect stopped: the tick and the next key of its list to visit (NONE: its end). */
  private resumeTick = Number.NaN;
  private resumeSlot = NONE;
  private resumeWatermark = Number.NaN;

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
    const head = this.heads.get(tick);
    this.prev[slot] = NONE;
    this.next[slot] = head ?? NONE;
    if (head !== undefined) this.prev[head] = slot;
    this.heads.set(tick, slot);
    if (tick < this.lowest) this.lowest = tick;
  }

  unschedule(slot: number): void {
    this.unlink(slot);
    this.tickOf[slot] = UNSCHEDULED;
  }

  /**
   * Calls `expire` for every scheduled key that is due at `watermark` (`expire` must unschedule it),
   * visiting at most `budget` keys; returns the budget left, or -1 if it ran out first. A later call with the same watermark
   * goes on where this one stopped (no key visited twice); keys scheduled behind that point in the
   * meantime are not due at it, as their owner schedules expiry past the event that moved them and
   * events are not behind the watermark. A newer watermark starts again from the lowest tick.
   */
  collect(watermark: number, expire: (slot: number) => void, budget = Number.POSITIVE_INFINITY): number {
    if (watermark !== this.resumeWatermark) this.resumeTick = Number.NaN;
    if (this.heads.size === 0) return this.finished(budget);
    const last = Math.floor(watermark / this.granularityMs);
    if (last < this.lowest) return this.finished(budget);
    let left = budget;
    if (last - this.lowest > 4 * this.heads.size) {
      // A long jump of event time: visit the lists there are instead of every tick in between.
      const ticks = [...this.heads.keys()].filter((t) => t <= last).sort((a, b) => a - b);
      for (const t of ticks) {
        left = this.collectTick(t, watermark, expire, left);
        if (left < 0) return this.stoppedIn(t, watermark);
      }
    } else {
      for (let t = this.lowest; t <= last; t++) {
        if (!this.heads.has(t)) continue;
        left = this.collectTick(t, watermark, expire, left);
        if (left < 0) return this.stoppedIn(t, watermark);
      }
    }
    // The tick holding the watermark may keep keys that expire later within it.
    this.lowest = this.heads.has(last) ? last : last + 1;
    if (this.heads.size === 0) this.lowest = Number.POSITIVE_INFINITY;
    return this.finished(left);
  }

  /** Visits the tick's keys from the resume point (or its head) while `left` lasts: the budget left, or -1 if it ran out before the list did. */
  private collectTick(tick: number, watermark: number, expire: (slot: number) => void, left: number): number {
    let s = tick === this.resumeTick ? this.resumeSlot : (this.heads.get(tick) ?? NONE);
    while (s !== NONE) {
      if (left <= 0) {
        this.resumeSlot = s;
        return -1;
      }
      left--;
      const n = this.next[s]!;
      // Set before `expire` unlinks s: unlinking the resume point moves it on (see unlink).
      this.resumeSlot = n;
      if (this.due(s, watermark)) expire(s);
      s = this.resumeSlot;
    }
    return left;
  }

  private stoppedIn(tick: number, watermark: number): number {
    this.lowest = Math.min(this.lowest, tick);
    this.resumeTick = tick;
    this.resumeWatermark = watermark;
    return -1;
  }

  private finished(left: number): number {
    this.resumeTick = Number.NaN;
    this.resumeSlot = NONE;
    return left;
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
    if (slot === this.resumeSlot) this.resumeSlot = n;
    this.prev[slot] = NONE;
    this.next[slot] = NONE;
  }

  bytes(): number {
    return this.tickOf.byteLength + this.prev.byteLength + this.next.byteLength + 40 * this.heads.size;
  }
}
