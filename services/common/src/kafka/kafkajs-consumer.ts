import type { Consumer, EachBatchPayload, IHeaders } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { BatchHandler, ConsumedRecord, ConsumerOptions, MessageConsumer, ProcessedPositions } from './kafka-port.js';
import { PartitionCommits, type CommitOffsets } from './partition-commits.js';

/** Records without headers (every plain event topic) share one empty, frozen object: no allocation per record. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

function headersOf(h: IHeaders | undefined): Record<string, string> {
  let out: Record<string, string> | undefined;
  if (h) {
    for (const k in h) {
      const v = h[k];
      if (v !== undefined) (out ??= {})[k] = Array.isArray(v) ? String(v[0]) : String(v);
    }
  }
  return out ?? NO_HEADERS;
}

/** Where a group starts reading the partitions it has never committed. */
export interface StartPositions {
  /** The partitions of `topic` among `partitions` with no offset committed by `groupId`, each with its log start (`fromBeginning`) or end. */
  uncommitted(groupId: string, topic: string, partitions: number[], fromBeginning: boolean): Promise<{ partition: number; offset: string }[]>;
}

/**
 * The kafkajs consumer behind the port. kafkajs runs without its own auto-commit: after each batch
 * whose handler resolved, this resolves the batch and commits its partition's read position if it
 * is past what is committed, in the background (PartitionCommits). So an unprocessed batch
 * (stopping, or sought elsewhere) is never committed, and a seek backwards (rewinding to rebuild
 * state) never moves the committed position back: kafkajs' own seek would commit the earlier
 * offset at once. Once stopping, a batch's commit is awaited before the batch resolves.
 *
 * A partition the group has never committed starts at the log's end (or start, `fromBeginning`),
 * and that end moves on: a crash before the first commit would restart at the newer end and skip
 * what came between. So on assignment such partitions get their starting position resolved once
 * and committed at once, and nothing is processed before that commit.
 */
export class KafkajsConsumer implements MessageConsumer {
  private closing: Promise<void> | undefined;
  private stopping = false;
  /** The start of this generation's never-committed partitions, committed; batches wait for it. */
  private anchoring: Promise<void> = Promise.resolve();
  private assignment: { topic: string; partitions: number[] }[] = [];
  private readonly commits: PartitionCommits;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
    private readonly starts: StartPositions,
  ) {
    this.commits = new PartitionCommits(options.groupId, logger);
  }

  async run(handler: BatchHandler): Promise<void> {
    const { consumer, options } = this;
    const autoCommit = options.autoCommit ?? true;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = Object.entries(event.payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions }));
      this.commits.newGeneration();
      this.logger.info('partitions assigned', { groupId: options.groupId, assignment });
      // Not awaited here (an event handler): run() and every batch await `this.anchoring`.
      void this.anchor(assignment, autoCommit);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.logger.error('consumer crashed', { groupId: options.groupId, err: event.payload.error, restart: event.payload.restart });
      if (!event.payload.restart) options.onCrash?.(event.payload.error);
    });
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.concurrentBatches ?? 1,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary }) => {
        const first = batch.messages[0];
        if (!isRunning() || isStale() || !first) return;
        await this.anchoring.catch((err: unknown) => {
          // Not committed (a rebalance, the broker): once more for this generation, or the error
          // goes to kafkajs, which rejoins or retries the batch.
          this.logger.warn('starting positions not committed, retrying', { groupId: options.groupId, err });
          return this.anchor(this.assignment, autoCommit);
        });
        // Sought to the committed start: the batch is fetched again from there.
        if (isStale()) return;
        // The first batch of a generation starts where the group's committed position is.
        this.commits.readFrom(batch.topic, batch.partition, first.offset);
        const records = batch.messages.map((m): ConsumedRecord => (
          {
            topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value,
            headers: headersOf(m.headers), timestamp: Number(m.timestamp),
          }
        ));
        await handler({ topic: batch.topic, partition: batch.partition, records, lag: Number(batch.offsetLag()) }, { isRunning, heartbeat });
        // Sought elsewhere while handled: this batch is read again from there.
        if (isStale()) return;
        resolveOffset(batch.lastOffset());
        const next = BigInt(batch.lastOffset()) + 1n;
        if (options.deferCommits) this.commits.markProcessed(batch.topic, batch.partition, next);
        else if (autoCommit) {
          // The payload's commit goes straight to the group (the consumer's own is a no-op once stopping).
          const commit: CommitOffsets = (offsets) => commitOffsetsIfNecessary({ topics: byTopic(offsets) });
          const committing = this.commits.handled(batch.topic, batch.partition, next, commit);
          if (this.stopping || !isRunning()) await committing;
          else committing.catch((err: unknown) => this.logger.warn('offset commit failed; retried with the next batch', { groupId: options.groupId, err }));
        }
      },
    });
    // kafkajs' run() returns once the group is joined: callers then count as started. A failure is
    // retried before the first batch (a rebalance while several members join, say).
    await this.anchoring.catch((err: unknown) => this.logger.warn('starting positions not committed yet', { groupId: options.groupId, err }));
  }

  /** Commits the new partitions' starting positions, then announces the assignment (readiness). */
  private anchor(assignment: { topic: string; partitions: number[] }[], autoCommit: boolean): Promise<void> {
    this.assignment = assignment;
    const anchoring = (autoCommit ? this.commitStarts(assignment) : Promise.resolve()).then(() => this.options.onAssignment?.(assignment));
    // Awaited by run() and by every batch: a failure surfaces there.
    anchoring.catch(() => undefined);
    this.anchoring = anchoring;
    return anchoring;
  }

  /**
   * Commits where reading starts on the assigned partitions the group has never committed, and
   * seeks there: kafkajs may have resolved the log end already, and a later one.
   */
  private async commitStarts(assignment: { topic: string; partitions: number[] }[]): Promise<void> {
    const { groupId, fromBeginning = false } = this.options;
    for (const { topic, partitions } of assignment) {
      if (partitions.length === 0) continue;
      const starts = await this.starts.uncommitted(groupId, topic, partitions, fromBeginning);
      if (starts.length === 0) continue;
      await this.consumer.commitOffsets(starts.map((s) => ({ topic, partition: s.partition, offset: s.offset })));
      for (const s of starts) {
        this.commits.committedAt(topic, s.partition, s.offset);
        this.consumer.seek({ topic, partition: s.partition, offset: s.offset });
      }
      this.logger.info('starting positions of a new group committed before processing', { groupId, topic, starts, fromBeginning });
    }
  }

  processedPositions(): ProcessedPositions {
    return this.commits.processedPositions();
  }

  commitPositions(positions: ProcessedPositions): Promise<void> {
    return this.commits.commitPositions(positions, (offsets) => this.consumer.commitOffsets(offsets));
  }

  seek(topic: string, partition: number, offset: number): void {
    this.logger.info('seeking', { groupId: this.options.groupId, topic, partition, offset });
    this.consumer.seek({ topic, partition, offset: String(offset) });
  }

  pause(topics: string[]): void {
    this.consumer.pause(topics.map((topic) => ({ topic })));
  }

  resume(topics: string[]): void {
    this.consumer.resume(topics.map((topic) => ({ topic })));
  }

  close(): Promise<void> {
    // kafkajs stop() waits for the running eachBatch (which then commits what it processed) before leaving.
    this.closing ??= (async () => {
      // From now on a batch commits before it resolves; what was handled before is committed first.
      this.stopping = true;
      await this.commits.flush().catch((err: unknown) => this.logger.warn('offsets of handled batches not committed before stopping', { groupId: this.options.groupId, err }));
      try {
        await this.consumer.stop();
      } finally {
        await this.consumer.disconnect();
      }
    })();
    return this.closing;
  }
}

function byTopic(offsets: readonly { topic: string; partition: number; offset: string }[]): {
  topic: string; partitions: { partition: number; offset: string }[];
}[] {
  const topics = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets) {
    let partitions = topics.get(o.topic);
    if (!partitions) topics.set(o.topic, (partitions = []));
    partitions.push({ partition: o.partition, offset: o.offset });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}
