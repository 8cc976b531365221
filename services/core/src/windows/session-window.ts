import type { CallEvent } from '../events.js';
import type { KeyedWindow, WindowBounds } from './keyed-window.js';
import { distinctValue, type MeasureLayout } from './measure-layout.js';

export interface SessionState {
  start: number;
  last: number;
  slots: Float64Array;
  distinct: Set<number>[] | undefined;
}

/**
 * A session per key: activity separated by less than `gap` belongs to one session, capped at
 * `max` so an endless trickle still gets evaluated as bounded sessions. Suits low-and-slow callers
 * whom a one-minute window never sees as a whole.
 */
export class SessionWindow implements KeyedWindow<SessionState> {
  constructor(
    private readonly layout: MeasureLayout,
    readonly gapMs: number,
    readonly maxMs: number,
  ) {}

  create(ts: number): SessionState {
    return { start: ts, last: ts, slots: this.layout.newSlots(), distinct: this.layout.distinct.length > 0 ? this.layout.distinct.map(() => new Set()) : undefined };
  }

  add(state: SessionState, event: CallEvent, ts: number): boolean {
    if (ts > state.last + this.gapMs || ts - state.start > this.maxMs) {
      // Gap exceeded or session too long: start a new session in place.
      state.start = ts;
      state.last = ts;
      this.layout.reset(state.slots);
      if (state.distinct) for (const s of state.distinct) s.clear();
    } else if (ts < state.start - this.gapMs) {
      return false; // a late event from an earlier, already closed session
    }
    if (ts < state.start) state.start = ts;
    if (ts > state.last) state.last = ts;
    this.layout.accumulate(event, state.slots);
    if (state.distinct) {
      this.layout.distinct.forEach((input, d) => {
        if (input.where && !input.where(event)) return;
        const set = state.distinct![d]!;
        const h = this.layout.fingerprint(distinctValue(input, event));
        if (!set.has(h)) {
          set.add(h);
          state.slots[input.slot]! += 1;
        }
      });
    }
    return true;
  }

  evaluate(state: SessionState, _ts: number, into: Float64Array): WindowBounds {
    into.set(state.slots);
    return { start: state.start, end: state.last };
  }

  expired(state: SessionState, watermark: number): boolean {
    return state.last + this.gapMs < watermark;
  }

  sizeOf(state: SessionState): number {
    let bytes = 96 + this.layout.slotCount * 8;
    if (state.distinct) for (const s of state.distinct) bytes += 64 + s.size * 16;
    return bytes;
  }
}
