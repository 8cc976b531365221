import type { Logger, OffsetsReader, PartitionPositions } from '@telfraud/common';
import type { DetectionEngine } from '@telfraud/core';
import { partitionSource, subSource } from '../pipeline/source-id.js';

type Stream = 'calls' | 'sms';

export interface PartitionProgressMonitorOptions {
  reader: OffsetsReader;
  groupId: string;
  /** `keyed`: the keyed topic (keyed routing), whose partitions carry both streams. */
  topics: { calls: string; sms: string | undefined; keyed?: string };
  engine: () => DetectionEngine;
  fromBeginning: boolean;
  /**
   * Keyed routing: the router's group. A keyed partition's records from one origin partition are
   * complete only once the router has also routed all of that origin: until then that origin's
   * sub-source holds the watermark back (a router instance killed, or behind on a backlog).
   */
  routerGroupId?: string;
  intervalMs: number;
  /** A partition at its end counts as caught up only once it has delivered nothing for this long. */
  idleMs: number;
  logger: Logger;
  now?: () => number;
  /** Every assigned partition is caught up and idle: the input has, for now, ended. */
  onAllQuiet?: () => Promise<void>;
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
  private assigned: { topic: string; partition: number; streams: Stream[] }[] = [];
  /** Keyed routing: every partition of the event topics (`topic/partition`), known from the router's positions. */
  private origins: { origin: string; stream: Stream }[] = [];
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
    this.assigned = assignment.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition, streams: this.streamsOf(a.topic) })));
    const owned = new Set(this.assigned.map((p) => partitionSource(p.topic, p.partition)));
    engine.retainSources((s) => owned.has(s));
    for (const p of this.assigned) for (const stream of p.streams) engine.addPendingSource(stream, partitionSource(p.topic, p.partition));
    this.holdUnseenOrigins();
    void this.poll();
  }

  /**
   * Keyed routing: each origin partition is a watermark source inside every keyed partition, and
   * one not seen there yet must hold the watermark back like a partition not read yet: routers
   * write at their own pace, so its first records may come long after other origins' newer ones
   * (a router joining late, or one catching up), and must not be late on arrival. It stops holding
   * back when it reports, or when the keyed partition is caught up and the router has routed it.
   */
  private holdUnseenOrigins(): void {
    const keyed = this.options.topics.keyed;
    if (keyed === undefined || this.origins.length === 0) return;
    const engine = this.options.engine();
    for (const p of this.assigned) {
      if (p.topic !== keyed) continue;
      for (const { origin, stream } of this.origins) engine.addPendingSource(stream, subSource(partitionSource(p.topic, p.partition), origin));
    }
  }

  onBatchProcessed(topic: string, partition: number, lastOffset: string): void {
    this.nextOffset.set(partitionSource(topic, partition), Number(lastOffset) + 1);
    this.lastBatchAt.set(partitionSource(topic, partition), this.now());
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  private streamsOf(topic: string): Stream[] {
    const { topics } = this.options;
    if (topic === topics.keyed) return topics.sms ? ['calls', 'sms'] : ['calls'];
    return topic === topics.calls ? ['calls'] : ['sms'];
  }

  private setCaughtUp(p: { streams: Stream[] }, source: string, caughtUp: boolean): void {
    const engine = this.options.engine();
    for (const stream of p.streams) engine.setSourceCaughtUp(stream, source, caughtUp);
  }

  async poll(): Promise<void> {
    if (this.polling || this.assigned.length === 0) return;
    this.polling = true;
    let failed: unknown;
    let allQuiet = true;
    try {
      const routerBehind = this.options.routerGroupId === undefined ? new Map<string, Stream>() : await this.routerBehind().catch((err: unknown) => {
        failed = err;
        return 'unknown' as const;
      });
      // Origins the router has yet to route: more input is on its way.
      if (routerBehind !== 'unknown' && routerBehind.size > 0) allQuiet = false;
      for (const topic of new Set(this.assigned.map((p) => p.topic))) {
        const mine = this.assigned.filter((p) => p.topic === topic);
        let positions: Map<number, PartitionPositions>;
        try {
          positions = new Map((await this.options.reader.positions(this.options.groupId, topic)).map((p) => [p.partition, p] as const));
        } catch (err) {
          // Progress unknown (a broker down, say): count the partitions as behind, so the watermark
          // waits for them instead of racing ahead on the others and sweeping state their events need.
          failed = err;
          for (const a of mine) this.setCaughtUp(a, partitionSource(topic, a.partition), false);
          continue;
        }
        for (const a of mine) {
          const pos = positions.get(a.partition);
          const source = partitionSource(topic, a.partition);
          if (!pos) {
            this.setCaughtUp(a, source, false);
            allQuiet = false;
            continue;
          }
          const start = pos.committed >= 0 ? pos.committed : this.options.fromBeginning ? pos.low : pos.high;
          const next = Math.max(this.nextOffset.get(source) ?? start, pos.low);
          const idle = this.now() - (this.lastBatchAt.get(source) ?? Number.NEGATIVE_INFINITY) >= this.options.idleMs;
          const caughtUp = next >= pos.high && idle && routerBehind !== 'unknown';
          this.setCaughtUp(a, source, caughtUp);
          if (!caughtUp) allQuiet = false;
          if (caughtUp && topic === this.options.topics.keyed && routerBehind instanceof Map) {
            const engine = this.options.engine();
            for (const [origin, stream] of routerBehind) engine.setSourceCaughtUp(stream, subSource(source, origin), false);
          }
        }
      }
    } finally {
      this.polling = false;
    }
    if (failed === undefined && allQuiet && this.options.onAllQuiet) {
      await this.options.onAllQuiet().catch((err: unknown) => this.options.logger.warn('cannot process the quiet tail', { err }));
    }
    if (failed === undefined) this.failures = 0;
    else if (this.failures++ % 30 === 0) this.options.logger.warn('cannot read partition positions; the watermark waits for those partitions', { err: failed });
  }

  /** Keyed routing: the origin partitions (`topic/partition` → stream) the router has not yet routed to the end. */
  private async routerBehind(): Promise<Map<string, Stream>> {
    const behind = new Map<string, Stream>();
    const { routerGroupId, topics } = this.options;
    if (routerGroupId === undefined || topics.keyed === undefined) return behind;
    const origins: { origin: string; stream: Stream }[] = [];
    for (const [topic, stream] of [[topics.calls, 'calls'], [topics.sms, 'sms']] as const) {
      if (topic === undefined) continue;
      for (const pos of await this.options.reader.positions(routerGroupId, topic)) {
        origins.push({ origin: partitionSource(topic, pos.partition), stream });
        const start = pos.committed >= 0 ? pos.committed : this.options.fromBeginning ? pos.low : pos.high;
        if (Math.max(start, pos.low) < pos.high) behind.set(partitionSource(topic, pos.partition), stream);
      }
    }
    this.origins = origins;
    this.holdUnseenOrigins();
    return behind;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.options.reader.close();
  }
}
