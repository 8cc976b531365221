import type { CallEvent } from '../events.js';

/** The event-time window an evaluation covered. */
export interface WindowBounds {
  start: number;
  end: number;
}

/** A window kind (sliding, tumbling, session) holding per-key state of type S. */
export interface KeyedWindow<S> {
  create(ts: number): S;
  /**
   * Adds the event; returns false if the event falls outside what the state can still change.
   * `watermark`: the engine's, below which events are rejected as late; state an event above it
   * may still need is kept even when this key has seen much newer events (read from another
   * partition that runs ahead).
   */
  add(state: S, event: CallEvent, ts: number, watermark?: number): boolean;
  /** Aggregated slots of the newest window (or the session) holding `ts`; for an in-order event, the one ending with its bucket. */
  evaluate(state: S, ts: number, into: Float64Array): WindowBounds;
  /**
   * For an event older than its key's newest: the window ending with the event's own bucket, as a
   * reader in event-time order evaluated it (distinct counts there are a lower bound). Undefined
   * when that is the window `evaluate` gives. Partitions interleave differently from a file.
   */
  evaluateAsOf?(state: S, ts: number, into: Float64Array): WindowBounds | undefined;
  /** True when nothing in the state can matter any more once event time has reached `watermark`. */
  expired(state: S, watermark: number): boolean;
  /** Rough retained bytes, for the state-size metric. */
  sizeOf(state: S): number;
}
