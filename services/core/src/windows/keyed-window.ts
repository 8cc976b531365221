import type { CallEvent } from '../events.js';

/** The event-time window an evaluation covered. */
export interface WindowBounds {
  start: number;
  end: number;
}

/** A window kind (sliding, tumbling, session) holding per-key state of type S. */
export interface KeyedWindow<S> {
  create(ts: number): S;
  /** Adds the event; returns false if the event falls outside what the state can still change. */
  add(state: S, event: CallEvent, ts: number): boolean;
  /** Aggregated slots of the newest window (or the session) holding `ts`; for an in-order event, the one ending with its bucket. */
  evaluate(state: S, ts: number, into: Float64Array): WindowBounds;
  /** True when nothing in the state can matter any more once event time has reached `watermark`. */
  expired(state: S, watermark: number): boolean;
  /** Rough retained bytes, for the state-size metric. */
  sizeOf(state: S): number;
}
