interface SourceProgress {
  maxTs: number;
  caughtUp: boolean;
}

/**
 * Event-time progress of one stream: the newest event time seen, minus the allowed lateness;
 * events older than the watermark are late.
 *
 * A stream read from several sources (Kafka partitions) that advance unevenly — one broker's
 * partitions racing ahead while catching up on a backlog — must not let the fastest source make
 * the others' events late: while any source is still behind its end, the watermark follows the
 * slowest such source. Sources that are caught up, or never reported, do not hold it back.
 */
export class Watermark {
  private maxTs = Number.NEGATIVE_INFINITY;
  private readonly sources = new Map<string, SourceProgress>();
  private cached = Number.NEGATIVE_INFINITY;
  private dirty = false;

  constructor(private latenessMs: number) {}

  observe(ts: number, source?: string): void {
    if (ts > this.maxTs) {
      this.maxTs = ts;
      this.dirty = true;
    }
    if (source === undefined) return;
    const s = this.sources.get(source);
    if (!s) {
      this.sources.set(source, { maxTs: ts, caughtUp: false });
      this.dirty = true;
    } else if (ts > s.maxTs) {
      s.maxTs = ts;
      if (!s.caughtUp) this.dirty = true;
    }
  }

  /** A source about to be read (a newly assigned partition): it holds the watermark back until it reports. */
  addPendingSource(source: string): void {
    if (this.sources.has(source)) return;
    this.sources.set(source, { maxTs: Number.NEGATIVE_INFINITY, caughtUp: false });
    this.dirty = true;
  }

  /** Whether a source has reached its end (a consumer's lag is zero). */
  setCaughtUp(source: string, caughtUp: boolean): void {
    const s = this.sources.get(source);
    if (!s || s.caughtUp === caughtUp) return;
    s.caughtUp = caughtUp;
    this.dirty = true;
  }

  /** Forgets sources no longer read (partitions revoked in a rebalance). */
  retainSources(keep: (source: string) => boolean): void {
    for (const k of this.sources.keys()) if (!keep(k)) this.sources.delete(k);
    this.dirty = true;
  }

  isLate(ts: number): boolean {
    return ts < this.value;
  }

  get value(): number {
    if (this.dirty) {
      let slowest = Number.POSITIVE_INFINITY;
      let anyBehind = false;
      for (const s of this.sources.values()) {
        if (s.caughtUp) continue;
        anyBehind = true;
        if (s.maxTs < slowest) slowest = s.maxTs;
      }
      this.cached = (anyBehind ? slowest : this.maxTs) - this.latenessMs;
      this.dirty = false;
    }
    return this.cached;
  }

  get maxEventTs(): number {
    return this.maxTs;
  }

  setLateness(ms: number): void {
    this.latenessMs = ms;
    this.dirty = true;
  }
}
