import type { Logger, OffsetsReader, PartitionPositions } from '@telfraud/common';
import type { DetectionEngine } from '@telfraud/core';

type Stream = 'calls' | 'sms';

export interface PartitionProgressMonitorOptions {
  reader: OffsetsReader;
  groupId: string;
  topics: { calls: string; sms: string | undefined };
  engine: () => DetectionEngine;
  fromBeginning: boolean;
  intervalMs: number;
  /** A partition at its end counts as caught up only once it has delivered nothing for this long. */
  idleMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Tells the engine which assigned partitions still have unread messages, including those that
 * have not delivered anything yet: while any partition is behind, the event-time watermark waits
 * for the slowest one, so catching up on a backlog (a restart, a rebalance, a replayed topic)
 * never makes one partition's events late because another partition raced ahead.
 *
 * "At its end" is a snapshot that new records make stale at once, so a partition also has to have
 * been idle (no batch for `idleMs`) before it stops holding the watermark back: otherwise a burst
 * read from one partition moves the watermark past records that another, just as active, has not
 * been fetched yet, and state they need is swept (a broker coming back, a producer catching up).
 */
export class PartitionProgressMonitor {
  private assigned: { topic: string; partition: number; stream: Stream }[] = [];
  private readonly nextOffset = new Map<string, number>();
  private readonly lastBatchAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private failures = 0;

  private readonly now: () => number;

  constructor(private readonly options: PartitionProgressMonitorOptions) {
    this.now = options.now ?? Date.now;
  }

  onAssignment(assignment: { topic: string; partitions: number[] }[]): void {
    const engine = this.options.engine();
    this.assigned = assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition, stream: this.streamOf(a.topic) })));
    const owned = new Set(this.assigned.map((p) => `${p.topic}/${p.partition}`));
    engine.retainSources((s) => owned.has(s));
    for (const p of this.assigned) engine.addPendingSource(p.stream, `${p.topic}/${p.partition}`);
    void this.poll();
  }

  onBatchProcessed(topic: string, partition: number, lastOffset: string): void {
    this.nextOffset.set(`${topic}/${partition}`, Number(lastOffset) + 1);
    this.lastBatchAt.set(`${topic}/${partition}`, this.now());
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  private streamOf(topic: string): Stream {
    return topic === this.options.topics.calls ? 'calls' : 'sms';
  }

  async poll(): Promise<void> {
    if (this.polling || this.assigned.length === 0) return;
    this.polling = true;
    const engine = this.options.engine();
    let failed: unknown;
    try {
      for (const topic of new Set(this.assigned.map((p) => p.topic))) {
        const mine = this.assigned.filter((p) => p.topic === topic);
        let positions: Map<number, PartitionPositions>;
        try {
          positions = new Map((await this.options.reader.positions(this.options.groupId, topic)).map((p) => [p.partition, p] as const));
        } catch (err) {
          // Progress unknown (a broker down, say): count the partitions as behind, so the watermark
          // waits for them instead of racing ahead on the others and sweeping state their events need.
          failed = err;
          for (const a of mine) engine.setSourceCaughtUp(a.stream, `${topic}/${a.partition}`, false);
          continue;
        }
        for (const a of mine) {
          const pos = positions.get(a.partition);
          const source = `${topic}/${a.partition}`;
          if (!pos) {
            engine.setSourceCaughtUp(a.stream, source, false);
            continue;
          }
          const start = pos.committed >= 0 ? pos.committed : this.options.fromBeginning ? pos.low : pos.high;
          const next = Math.max(this.nextOffset.get(source) ?? start, pos.low);
          const idle = this.now() - (this.lastBatchAt.get(source) ?? Number.NEGATIVE_INFINITY) >= this.options.idleMs;
          engine.setSourceCaughtUp(a.stream, source, next >= pos.high && idle);
        }
      }
    } finally {
      this.polling = false;
    }
    if (failed === undefined) this.failures = 0;
    else if (this.failures++ % 30 === 0) this.options.logger.warn('cannot read partition positions; the watermark waits for those partitions', { err: failed });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.options.reader.close();
  }
}
