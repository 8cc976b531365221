/**
 * The mass-blocking fuse. CLOSED counts block requests in a sliding minute; the request that
 * would make more than `maxPerMinute` trips it to OPEN, and OPEN refuses every block until an
 * operator resets it (there is no automatic half-open: a rule bug must not get a second go on
 * its own). Time comes in as arguments, so tests drive it with a fake clock.
 */
export type BreakerState =
  | { kind: 'closed' }
  | { kind: 'open'; since: number; requestsInWindow: number };

export type BreakerAnswer = 'allowed' | 'tripped' | 'open';

export const BREAKER_WINDOW_MS = 60_000;

export class CircuitBreaker {
  private current: BreakerState = { kind: 'closed' };
  private readonly requests: number[] = [];

  constructor(readonly maxPerMinute: number, private readonly windowMs = BREAKER_WINDOW_MS) {
    if (!Number.isInteger(maxPerMinute) || maxPerMinute < 1) throw new RangeError(`maxPerMinute must be an integer >= 1, got ${maxPerMinute}`);
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Requests counted in the window ending at `now`. */
  recent(now: number): number {
    this.prune(now);
    return this.requests.length;
  }

  /** Asks to perform one block at `now`. */
  request(now: number): BreakerAnswer {
    if (this.current.kind === 'open') return 'open';
    this.prune(now);
    if (this.requests.length + 1 > this.maxPerMinute) {
      this.current = { kind: 'open', since: now, requestsInWindow: this.requests.length + 1 };
      return 'tripped';
    }
    this.requests.push(now);
    return 'allowed';
  }

  /** Operator reset: CLOSED with an empty window. Returns whether it was open. */
  reset(): boolean {
    const wasOpen = this.current.kind === 'open';
    this.current = { kind: 'closed' };
    this.requests.length = 0;
    return wasOpen;
  }

  private prune(now: number): void {
    const horizon = now - this.windowMs;
    let drop = 0;
    while (drop < this.requests.length && (this.requests[drop] ?? 0) <= horizon) drop++;
    if (drop > 0) this.requests.splice(0, drop);
  }
}
