import type { CallEventType } from '../events.js';

const BIT: Record<CallEventType, number> = { START: 1, ANSWER: 2, END: 4 };

interface CallRecord {
  seen: number;
  maxTs: number;
}

/**
 * Remembers which moments of each recent call were seen, so a re-delivered event (same event, same
 * call moment) counts once. Kept until the watermark passes the call's newest event: anything
 * older is rejected as late before it gets here.
 */
export class CallRegistry {
  private readonly calls = new Map<string, CallRecord>();

  /** True the first time this moment of this call is seen. */
  firstSighting(callId: string, type: CallEventType, ts: number): boolean {
    const rec = this.calls.get(callId);
    if (!rec) {
      this.calls.set(callId, { seen: BIT[type], maxTs: ts });
      return true;
    }
    if (rec.maxTs < ts) rec.maxTs = ts;
    if (rec.seen & BIT[type]) return false;
    rec.seen |= BIT[type];
    return true;
  }

  /** Whether this moment of this call was seen already (changes nothing). */
  hasSeen(callId: string, type: CallEventType): boolean {
    const rec = this.calls.get(callId);
    return rec !== undefined && (rec.seen & BIT[type]) !== 0;
  }

  sweep(watermark: number): void {
    for (const [id, rec] of this.calls) if (rec.maxTs < watermark) this.calls.delete(id);
  }

  get size(): number {
    return this.calls.size;
  }
}
