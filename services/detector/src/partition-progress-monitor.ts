import type { Logger, OffsetsReader } from '@telfraud/common';
import type { DetectionEngine } from '@telfraud/core';

type Stream = 'calls' | 'sms';

export interface PartitionProgressMonitorOptions {
  reader: OffsetsReader;
  groupId: string;
  topics: { calls: string; sms: string | undefined };
  engine: () => DetectionEngine;
  fromBeginning: boolean;
  intervalMs: number;
  logger: Logger;
}

/**
 * Tells the engine which assigned partitions still have unread messages, including those that
 * have not delivered anything yet: while any partition is behind, the event-time watermark waits
 * for the slowest one, so catching up on a backlog (a restart, a rebalance, a replayed topic)
 * never makes one partition's events late because another partition raced ahead.
 */
export class PartitionProgressMonitor {
  private assigned: { topic: string; partition: number; stream: Stream }[] = [];
  private readonly nextOffset = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private failures = 0;

  constructor(private readonly options: PartitionProgressMonitorOptions) {}

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
    try {
      const engine = this.options.engine();
      for (const topic of new Set(this.assigned.map((p) => p.topic))) {
        const positions = new Map((await this.options.reader.positions(this.options.groupId, topic)).map((p) => [p.partition, p] as const));
        for (const a of this.assigned.filter((p) => p.topic === topic)) {
          const pos = positions.get(a.partition);
          if (!pos) continue;
          const source = `${topic}/${a.partition}`;
          const start = pos.committed >= 0 ? pos.committed : this.options.fromBeginning ? pos.low : pos.high;
          const next = Math.max(this.nextOffset.get(source) ?? start, pos.low);
          engine.setSourceCaughtUp(a.stream, source, next >= pos.high);
        }
      }
      this.failures = 0;
    } catch (err) {
      if (this.failures++ % 30 === 0) this.options.logger.warn('cannot read partition positions; the watermark may lag', { err });
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.options.reader.close();
  }
}
