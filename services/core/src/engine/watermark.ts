/**
 * Event-time progress of one stream: the newest event time seen, minus the allowed lateness.
 * Events older than the watermark are late.
 */
export class Watermark {
  private maxTs = Number.NEGATIVE_INFINITY;

  constructor(private latenessMs: number) {}

  observe(ts: number): void {
    if (ts > this.maxTs) this.maxTs = ts;
  }

  isLate(ts: number): boolean {
    return ts < this.value;
  }

  get value(): number {
    return this.maxTs - this.latenessMs;
  }

  get maxEventTs(): number {
    return this.maxTs;
  }

  setLateness(ms: number): void {
    this.latenessMs = ms;
  }
}
