/**
 * What the guard decided about a record too far ahead: `park` it (`FUTURE_EVENT`; remembered in
 * case later records confirm the jump), or `confirmed`: earlier parked records agree with it, so
 * take them back (`takeConfirmed`) and process them, then it.
 */
export type FarAheadDecision = 'park' | 'confirmed';

interface Parked<T> {
  item: T;
  ts: number;
  source: string | undefined;
}

/**
 * Held records remembered for confirmation (the end of a run can hold the last calls of every
 * partition and a sparse SMS tail at once); older ones are parked for good.
 */
const MAX_REMEMBERED = 256;
/**
 * Records that must agree on a jump. Two is not enough: a call and an SMS from one wrong clock, or a
 * call's START and END, arrive together.
 */
const QUORUM = 3;

/**
 * Keeps one record from moving event time. A record dated more than `maxJumpMs` ahead of the
 * engine's event time (the newest admitted record, calls and SMS alike) is parked: it moves no
 * watermark and feeds no window. With `maxJumpMs` under the allowed lateness, a record admitted just
 * inside the allowance cannot make on-time events late either.
 *
 * Time may still jump when traffic really does (a gap in a file, a sparse partition read while the
 * others are behind, a stream resuming). A parked record is contradicted when a later record of its
 * own source (partition) admitted in range moves that source on while the parked one is still more
 * than `contradictionMs` ahead of it (late or re-sent records do not count): a wrong clock amid
 * on-time traffic is contradicted at once. A parked record event time comes within reach of was
 * early, not misdated: it is taken back (`takeInReach`). Three parked records that agree (within
 * `maxJumpMs`) and that nothing contradicted confirm the jump: they are taken back, oldest first. When the input ends, uncontradicted parked records
 * are taken back too (`takeUncontradicted`). A minority of misdated traffic never confirms itself,
 * and a lone record never does.
 *
 * Gradual progress is never parked: each admitted record is within `maxJumpMs` of the newest before
 * it, so a backlog being caught up, or a partition racing ahead of the others, passes; a partition
 * that was idle resumes near the time the others kept advancing.
 */
export class EventTimeGuard<T> {
  private newest = Number.NEGATIVE_INFINITY;
  /** newest + maxJumpMs; +∞ until a record is admitted (the first one defines the start). */
  private bound = Number.POSITIVE_INFINITY;
  private parked: Parked<T>[] = [];
  private confirmedItems: T[] = [];
  /** Newest admitted event time per source: only a record that moves its source on is news about it. */
  private readonly sourceNewest = new Map<string | undefined, number>();

  /**
   * `contradictionMs`: how far behind a held record its own source may move on before the record
   * counts as misdated. The allowed lateness: records of a source arrive at most that far out of
   * order (or they are late anyway), so a held record further ahead of its own source's in-order
   * progress than that is a wrong clock, while one nearer is only early (a sparse partition read
   * ahead of partitions still catching up) and is processed once event time comes within reach.
   */
  constructor(
    private maxJumpMs: number,
    private contradictionMs: number = maxJumpMs,
    /** Told why a held record was given up for good, so the dead letter can say it. */
    private readonly onDrop: (item: T, why: string) => void = () => undefined,
  ) {}

  setMaxJump(ms: number, contradictionMs: number = this.contradictionMs): void {
    this.maxJumpMs = ms;
    this.contradictionMs = contradictionMs;
    this.bound = this.newest + ms;
  }

  /** The newest admitted event time (−∞ before the first). */
  get eventTime(): number {
    return this.newest;
  }

  /**
   * The common path: true (and noted) when a record of event time `ts` read from `source` is within
   * reach; otherwise call `farAhead`. Costs a comparison unless records are parked.
   */
  admit(ts: number, source?: string): boolean {
    if (ts > this.bound) return false;
    this.note(ts);
    const previous = this.sourceNewest.get(source);
    if (previous === undefined || ts > previous) {
      this.sourceNewest.set(source, ts);
      // A late or re-sent record of the source says nothing about where its time is now.
      if (this.parked.length > 0) this.contradict(source, ts);
    }
    return true;
  }

  /**
   * A record of `source` moved it on in range: its held records still further ahead than the
   * source can be out of order were misdated, parked for good.
   */
  private contradict(source: string | undefined, ts: number): void {
    const parked = this.parked;
    let kept = 0;
    for (const p of parked) {
      if (p.source !== source || p.ts - ts <= this.contradictionMs) parked[kept++] = p;
      else this.onDrop(p.item, `contradicted: its source moved on to event time ${ts}, ${p.ts - ts} ms behind it (more than the allowed lateness)`);
    }
    parked.length = kept;
  }

  /** Whether event time has come within reach of a held record (call `takeInReach`). */
  get hasInReach(): boolean {
    const parked = this.parked;
    for (let i = 0; i < parked.length; i++) if (parked[i]!.ts <= this.bound) return true;
    return false;
  }

  /**
   * Held records that event time has come within reach of (they were early, not misdated), oldest
   * first; taking them may bring more within reach.
   */
  takeInReach(): T[] {
    const out: T[] = [];
    while (this.hasInReach) {
      const taken = this.parked.filter((p) => p.ts <= this.bound).sort((a, b) => a.ts - b.ts);
      this.parked = this.parked.filter((p) => p.ts > this.bound);
      for (const p of taken) {
        this.noteTaken(p);
        out.push(p.item);
      }
    }
    return out;
  }

  /** A record `admit` refused; `item` is what `takeConfirmed` hands back if it is confirmed later. */
  farAhead(ts: number, item: T, source?: string): FarAheadDecision {
    const parked = this.parked;
    let agreeing = 1;
    for (const p of parked) if (Math.abs(p.ts - ts) <= this.maxJumpMs) agreeing++;
    if (agreeing >= QUORUM) {
      // Uncontradicted records between the old time and the confirmed one are progress too (a
      // call's END a little further ahead than the allowance), not only those that voted.
      const reach = ts + this.maxJumpMs;
      const taken = parked.filter((p) => p.ts <= reach).sort((a, b) => a.ts - b.ts);
      this.parked = parked.filter((p) => !taken.includes(p));
      this.confirmedItems = taken.map((p) => p.item);
      for (const p of taken) this.noteTaken(p);
      this.note(ts);
      return 'confirmed';
    }
    if (parked.length >= MAX_REMEMBERED) {
      const oldest = parked.shift()!;
      this.onDrop(oldest.item, `more than ${MAX_REMEMBERED} records were held at once; the oldest held are given up`);
    }
    parked.push({ item, ts, source });
    return 'park';
  }

  /**
   * The input has ended (a replay's files), or every source has gone quiet at its end: parked
   * records that nothing read after them from their source contradicts are the stream's last
   * progress (long calls ending after traffic stopped), not a wrong clock among on-time traffic.
   * They are handed back, oldest event time first, and event time moves to them.
   */
  takeUncontradicted(): T[] {
    const taken = this.parked.sort((a, b) => a.ts - b.ts);
    this.parked = [];
    for (const p of taken) this.noteTaken(p);
    return taken.map((p) => p.item);
  }

  /** Whether `item` is parked and nothing has contradicted it yet: it may still be taken back. */
  isWaiting(match: (item: T) => boolean): boolean {
    return this.parked.some((p) => match(p.item));
  }

  /** After `confirmed`: the parked records taken back, oldest event time first. */
  takeConfirmed(): T[] {
    const items = this.confirmedItems;
    this.confirmedItems = [];
    return items;
  }

  private noteTaken(p: Parked<T>): void {
    this.note(p.ts);
    if (p.ts > (this.sourceNewest.get(p.source) ?? Number.NEGATIVE_INFINITY)) this.sourceNewest.set(p.source, p.ts);
  }

  private note(ts: number): void {
    if (ts <= this.newest) return;
    this.newest = ts;
    this.bound = ts + this.maxJumpMs;
  }
}
