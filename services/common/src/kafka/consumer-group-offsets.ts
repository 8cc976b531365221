import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.js';
import type { OffsetsReader } from './kafka-port.js';

export interface WatchedGroup {
  groupId: string;
  topics: string[];
}

export interface ConsumerGroupOffsetsOptions {
  /** Its own reader: this monitor closes it. */
  reader: OffsetsReader;
  registry: Registry;
  groups: WatchedGroup[];
  intervalMs: number;
  logger: Logger;
}

/** How often the services poll their groups' offsets: a few scrapes apart, a light admin request. */
export const CONSUMER_GROUP_OFFSETS_POLL_MS = 5_000;

type Labels = { group: string; topic: string; partition: string };

/**
 * Polls the broker for the consumer groups' committed offsets and their input topics' end offsets,
 * and exports them (`kafka_consumergroup_lag`, `kafka_consumergroup_committed_offset`,
 * `kafka_topic_end_offset`, all per group, topic and partition). Read from the broker rather than
 * from fetched batches, they stay true when a consumer is stuck or dead: its lag keeps growing while
 * its committed offsets stand still, which the pipeline alert rules look for. Every instance of a
 * service reports its whole group (rules take the max over instances). A failed poll clears the
 * group's series rather than leave stale values.
 */
export class ConsumerGroupOffsets {
  private readonly lag: Gauge<keyof Labels>;
  private readonly committed: Gauge<keyof Labels>;
  private readonly end: Gauge<keyof Labels>;
  /** Partitions reported per group and topic, to clear them when a poll fails. */
  private readonly reported = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  private closed = false;

  constructor(private readonly options: ConsumerGroupOffsetsOptions) {
    const registers = [options.registry];
    const labelNames = ['group', 'topic', 'partition'] as const;
    this.lag = new Gauge({
      name: 'kafka_consumergroup_lag', help: 'Messages of the partition not yet committed by the group (end offset minus committed offset)', labelNames, registers,
    });
    this.committed = new Gauge({
      name: 'kafka_consumergroup_committed_offset', help: 'The group\'s committed offset in the partition (-1: none yet)', labelNames, registers,
    });
    this.end = new Gauge({
      name: 'kafka_topic_end_offset', help: 'End offset (high watermark) of a partition of the group\'s input topic: it grows while the input has traffic',
      labelNames, registers,
    });
  }

  start(): void {
    if (this.timer || this.closed) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One round over every watched group and topic (a round still running is not doubled). */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    let failed = false;
    for (const { groupId, topics } of this.options.groups) {
      for (const topic of topics) {
        if (this.closed) return;
        try {
          const positions = await this.options.reader.positions(groupId, topic);
          const key = `${groupId}\u0000${topic}`;
          const partitions = this.reported.get(key) ?? new Set<string>();
          this.reported.set(key, partitions);
          for (const p of positions) {
            const labels = { group: groupId, topic, partition: String(p.partition) };
            partitions.add(labels.partition);
            this.end.set(labels, p.high);
            this.committed.set(labels, p.committed);
            this.lag.set(labels, Math.max(0, p.high - (p.committed >= 0 ? p.committed : p.low)));
          }
        } catch (err) {
          failed = true;
          this.clear(groupId, topic);
          if (!this.failing && !this.closed) this.options.logger.warn('consumer group offsets not readable; their metrics are cleared until they are', { groupId, topic, err });
        }
      }
    }
    if (this.failing && !failed) this.options.logger.info('consumer group offsets readable again');
    this.failing = failed;
  }

  private clear(groupId: string, topic: string): void {
    const key = `${groupId}\u0000${topic}`;
    for (const partition of this.reported.get(key) ?? []) {
      for (const g of [this.lag, this.committed, this.end]) g.remove({ group: groupId, topic, partition });
    }
    this.reported.delete(key);
  }

  /** Does not wait for a poll in flight (its broker may be down): closing the reader ends it. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.options.reader.close();
  }
}
