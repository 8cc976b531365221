import type { CallEventType } from '../events.js';

const BIT: Record<CallEventType, number> = { START: 1, ANSWER: 2, END: 4 };

/** `slotOf` found no record of the call. */
export const NO_SLOT = -1;

/** Event time a list of the expiry schedule covers: a sweep visits only the lists the watermark has reached. */
const EXPIRY_BUCKET_MS = 10_000;
const INITIAL_CAPACITY = 1024;

/**
 * Remembers which moments of each recent call were seen, so a re-delivered event (same event, same
 * call moment) counts once. Kept until the watermark passes the call's newest event: anything
 * older is rejected as late before it gets here.
 *
 * Packed for millions of calls: the call id maps to a slot, and a slot is two numbers in typed
 * columns (moments seen, newest event time); freed slots are reused. Expiry reads per-time-bucket
 * lists of slots (filed by the newest event time when filed), so a sweep touches only the calls in
 * buckets the watermark has reached, never every call.
 */
export class CallRegistry {
  private readonly slots = new Map<string, number>();
  /** Slot → its call id (to forget it), undefined when free. */
  private ids: (string | undefined)[] = [];
  private seen = new Uint8Array(INITIAL_CAPACITY);
  private maxTs = new Float64Array(INITIAL_CAPACITY);
  private readonly free: number[] = [];
  /** Bucket (newest event time / EXPIRY_BUCKET_MS) → slots filed there. */
  private readonly expiry = new Map<number, number[]>();

  /** The call's slot, or NO_SLOT: a hint for `firstSighting` while nothing else touches the registry. */
  slotOf(callId: string): number {
    return this.slots.get(callId) ?? NO_SLOT;
  }

  /** Whether this moment of the call in `slot` (from `slotOf`) was seen. */
  seenAt(slot: number, type: CallEventType): boolean {
    return slot !== NO_SLOT && (this.seen[slot]! & BIT[type]) !== 0;
  }

  /**
   * True the first time this moment of this call is seen. `slot`: what `slotOf(callId)` answered
   * with no change to the registry since (saves the lookup); omitted, it is looked up.
   */
  firstSighting(callId: string, type: CallEventType, ts: number, slot: number = this.slotOf(callId)): boolean {
    if (slot === NO_SLOT) {
      this.add(callId, BIT[type], ts);
      return true;
    }
    if (this.maxTs[slot]! < ts) this.maxTs[slot] = ts;
    const seen = this.seen[slot]!;
    if (seen & BIT[type]) return false;
    this.seen[slot] = seen | BIT[type];
    return true;
  }

  /** Whether this moment of this call was seen already (changes nothing). */
  hasSeen(callId: string, type: CallEventType): boolean {
    return this.seenAt(this.slotOf(callId), type);
  }

  private add(callId: string, seen: number, ts: number): void {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.ids.length;
      if (slot === this.seen.length) this.grow();
      this.ids.push(callId);
    } else {
      this.ids[slot] = callId;
    }
    this.seen[slot] = seen;
    this.maxTs[slot] = ts;
    this.slots.set(callId, slot);
    this.file(slot, ts);
  }

  private grow(): void {
    const seen = new Uint8Array(this.seen.length * 2);
    seen.set(this.seen);
    this.seen = seen;
    const maxTs = new Float64Array(this.maxTs.length * 2);
    maxTs.set(this.maxTs);
    this.maxTs = maxTs;
  }

  private file(slot: number, ts: number): void {
    const bucket = Math.floor(ts / EXPIRY_BUCKET_MS);
    const list = this.expiry.get(bucket);
    if (list) list.push(slot);
    else this.expiry.set(bucket, [slot]);
  }

  /** Forgets every call whose newest event is older than the watermark. */
  sweep(watermark: number): void {
    if (!(watermark > Number.NEGATIVE_INFINITY)) return;
    const reached = Math.floor(watermark / EXPIRY_BUCKET_MS);
    const due: number[] = [];
    for (const bucket of this.expiry.keys()) if (bucket <= reached) due.push(bucket);
    for (const bucket of due) {
      const list = this.expiry.get(bucket)!;
      this.expiry.delete(bucket);
      // A call seen again since it was filed moves to the bucket of its newest event.
      for (const slot of list) {
        const ts = this.maxTs[slot]!;
        if (ts < watermark) this.release(slot);
        else this.file(slot, ts);
      }
    }
  }

  private release(slot: number): void {
    this.slots.delete(this.ids[slot]!);
    this.ids[slot] = undefined;
    this.free.push(slot);
  }

  get size(): number {
    return this.slots.size;
  }
}
