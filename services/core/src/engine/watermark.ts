interface SourceProgress {
  maxTs: number;
  caughtUp: boolean;
  /** The partition a sub-source is read from (`partition<origin`); itself for a plain source. */
  group: string;
}

/** `keyed/2<calls/5`: records of partition calls/5 routed into partition keyed/2, in their own order. */
const SUB_SOURCE = '<';

function groupOf(source: string): string {
  const i = source.indexOf(SUB_SOURCE);
  return i < 0 ? source : source.slice(0, i);
}

/**
 * Event-time progress of one stream: the newest event time seen, minus the allowed lateness;
 * events older than the watermark are late.
 *
 * A stream read from several sources (Kafka partitions) that advance unevenly — one broker's
 * partitions racing ahead while catching up on a backlog — must not let the fastest source make
 * the others' events late: while any source is still behind its end, the watermark follows the
 * slowest such source. Sources that are caught up, or never reported, do not hold it back.
 *
 * A partition fed by a repartitioning step holds several sources' records, each in its own order
 * but interleaved as the router read them: each origin is then a sub-source of the partition
 * (`partition<origin`), caught up when its partition is.
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
      const group = groupOf(source);
      // The partition's placeholder (added on assignment) gives way to its sub-sources as they report.
      if (group !== source && this.sources.get(group)?.maxTs === Number.NEGATIVE_INFINITY) this.sources.delete(group);
      this.sources.set(source, { maxTs: ts, caughtUp: false, group });
      this.dirty = true;
    } else if (ts > s.maxTs) {
      s.maxTs = ts;
      if (!s.caughtUp) this.dirty = true;
    }
  }

  /** A source about to be read (a newly assigned partition): it holds the watermark back until it reports. */
  addPendingSource(source: string): void {
    if (this.sources.has(source)) return;
    const group = groupOf(source);
    if (group === source) {
      // A partition kept across a rebalance keeps its sub-sources: a placeholder would hold the
      // watermark at -Infinity until an origin it has never seen reports, perhaps never.
      for (const s of this.sources.values()) if (s.group === source) return;
    } else if (this.sources.get(group)?.maxTs === Number.NEGATIVE_INFINITY) {
      // Pending sub-sources (the origins a partition may hold) take over from its placeholder.
      this.sources.delete(group);
    }
    this.sources.set(source, { maxTs: Number.NEGATIVE_INFINITY, caughtUp: false, group });
    this.dirty = true;
  }

  /** Whether a source (a partition with its sub-sources, or one sub-source) has reached its end (a consumer's lag is zero). */
  setCaughtUp(source: string, caughtUp: boolean): void {
    for (const [k, s] of this.sources) {
      if ((s.group !== source && k !== source) || s.caughtUp === caughtUp) continue;
      s.caughtUp = caughtUp;
      this.dirty = true;
    }
  }

  /** Forgets sources no longer read (partitions revoked in a rebalance). */
  retainSources(keep: (source: string) => boolean): void {
    for (const [k, s] of this.sources) if (!keep(s.group)) this.sources.delete(k);
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
