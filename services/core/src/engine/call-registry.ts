import type { CallEventType } from '../events.js';
import { FIXED_HASH_SEED, keyedFingerprint } from '../keyed-hash.js';
import { growF64, growU8 } from '../windows/typed-columns.js';
import { CallIdTable } from './call-id-table.js';
import { ExpiryQueue } from './expiry-queue.js';

const BIT: Record<CallEventType, number> = { START: 1, ANSWER: 2, END: 4 };

/** `slotOf` found no record of the call. */
export const NO_SLOT = -1;

/** Event time a list of the expiry schedule covers: a sweep visits only the lists the watermark has reached. */
const EXPIRY_BUCKET_MS = 10_000;
/**
 * Expired calls forgotten per new call (and per sweep, a first chunk): calls expire about as fast as
 * they arrive, so this keeps pace without a pause proportional to the calls expiring at once.
 */
const EXPIRE_PER_NEW_CALL = 4;
const EXPIRE_PER_SWEEP = 1024;

const fixedHash = keyedFingerprint(FIXED_HASH_SEED);

/**
 * Remembers which moments of each recent call were seen, so a re-delivered event (same event, same
 * call moment) counts once. Kept until the watermark passes the call's newest event: anything
 * older is rejected as late before it gets here.
 *
 * Packed for millions of calls: the call id maps to a slot of a table that keeps ids as bytes (see
 * CallIdTable: no string, no Map entry per call, and two ids never share a slot), and a slot is two
 * numbers in typed columns (moments seen, newest event time); freed slots are reused. Expiry reads per-time-bucket
 * lists of slots (filed by the newest event time when filed), so a sweep touches only the calls in
 * buckets the watermark has reached, never every call; and it forgets them a few at a time as new
 * calls arrive, not in one pause. A call past the watermark but not yet forgotten is treated as gone.
 */
export class CallRegistry {
  private readonly ids: CallIdTable;
  private seen = new Uint8Array(0);
  private maxTs = new Float64Array(0);
  /** Slots by their newest event time when filed. */
  private readonly expiry = new ExpiryQueue(EXPIRY_BUCKET_MS);
  /** The last sweep's watermark: calls whose newest event is older are gone. */
  private expiredBefore = Number.NEGATIVE_INFINITY;
  private readonly expireDue = (slot: number): void => {
    // A slot listed again after it was forgotten (in `slotOf`) is free, or another call's now.
    if (!this.ids.isLive(slot)) return;
    const ts = this.maxTs[slot]!;
    if (ts < this.expiredBefore) this.release(slot);
    else this.expiry.file(slot, ts);
  };

  /** `hash`: of call ids, keyed in the engine (senders choose call ids; see CallIdTable). */
  constructor(hash: (text: string) => number = (text) => fixedHash(text) | 0) {
    this.ids = new CallIdTable(hash);
  }

  /** The call's slot, or NO_SLOT: a hint for `firstSighting` while nothing else touches the registry. */
  slotOf(callId: string): number {
    const slot = this.ids.find(callId);
    if (slot < 0) return NO_SLOT;
    if (this.maxTs[slot]! < this.expiredBefore) {
      // Expired at the last sweep, not yet forgotten: forgotten now.
      this.release(slot);
      return NO_SLOT;
    }
    return slot;
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

  /** Whether this moment of this call was seen already (records nothing). */
  hasSeen(callId: string, type: CallEventType): boolean {
    return this.seenAt(this.slotOf(callId), type);
  }

  private add(callId: string, seen: number, ts: number): void {
    const slot = this.ids.insert(callId);
    if (this.seen.length < this.ids.slotCapacity) this.grow(this.ids.slotCapacity);
    this.seen[slot] = seen;
    this.maxTs[slot] = ts;
    this.expiry.file(slot, ts);
    if (this.expiry.hasDue) this.expiry.drain(EXPIRE_PER_NEW_CALL, this.expireDue);
  }

  private grow(capacity: number): void {
    this.seen = growU8(this.seen, capacity);
    this.maxTs = growF64(this.maxTs, capacity);
  }

  /** Every call whose newest event is older than the watermark is gone from now on (forgotten a few at a time). */
  sweep(watermark: number): void {
    if (!(watermark > this.expiredBefore)) return;
    this.expiredBefore = watermark;
    this.expiry.reach(watermark);
    this.expiry.drain(EXPIRE_PER_SWEEP, this.expireDue);
  }

  private release(slot: number): void {
    this.ids.remove(slot);
  }

  /** Calls remembered (what is due is forgotten first: a figure for stats, not for the hot path). */
  get size(): number {
    this.expiry.drain(Number.POSITIVE_INFINITY, this.expireDue);
    return this.ids.size;
  }

  /** Bytes held: the id table, the columns and the expiry lists (capacity). */
  byteSize(): number {
    return this.ids.byteSize() + this.seen.byteLength + this.maxTs.byteLength + this.expiry.bytes();
  }
}
