import type { Consumer, EachBatchPayload, IHeaders } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { BatchHandler, ConsumedRecord, ConsumerOptions, MessageConsumer, ProcessedPositions } from './kafka-port.js';

type Uncommitted = ReturnType<EachBatchPayload['uncommittedOffsets']>;

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
 * whose handler resolved, this resolves the batch and commits every partition whose read position
 * is past what it has committed. So an unprocessed batch (stopping, or sought elsewhere) is never
 * committed, and a seek backwards (rewinding to rebuild state) never moves the committed position
 * back: kafkajs' own seek would commit the earlier offset at once.
 *
 * A partition the group has never committed starts at the log's end (or start, `fromBeginning`),
 * and that end moves on: a crash before the first commit would restart at the newer end and skip
 * what came between. So on assignment such partitions get their starting position resolved once
 * and committed at once, and nothing is processed before that commit.
 */
export class KafkajsConsumer implements MessageConsumer {
  private closing: Promise<void> | undefined;
  /** topic/partition → the furthest offset committed (or found committed) in this generation. */
  private readonly committed = new Map<string, bigint>();
  /** The start of this generation's never-committed partitions, committed; batches wait for it. */
  private anchoring: Promise<void> = Promise.resolve();
  private assignment: { topic: string; partitions: number[] }[] = [];
  /** Group joins seen: deferred commits of an older generation are skipped. */
  private generation = 0;
  /** `deferCommits`: topic/partition → the next offset after the batches handled in this generation. */
  private readonly processed = new Map<string, bigint>();

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerOptions,
    private readonly logger: Logger,
    private readonly starts: StartPositions,
  ) {}

  async run(handler: BatchHandler): Promise<void> {
    const { consumer, options } = this;
    const autoCommit = options.autoCommit ?? true;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assignment = Object.entries(event.payload.memberAssignment).map(([topic, partitions]) => ({ topic, partitions }));
      this.committed.clear();
      this.generation++;
      this.processed.clear();
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
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset, uncommittedOffsets, commitOffsetsIfNecessary }) => {
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
        const key = `${batch.topic}/${batch.partition}`;
        // The first batch of a generation starts where the group's committed position is.
        if (!this.committed.has(key)) this.committed.set(key, BigInt(first.offset));
        const records = batch.messages.map((m): ConsumedRecord => (
          { topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: headersOf(m.headers), timestamp: Number(m.timestamp) }
        ));
        await handler({ topic: batch.topic, partition: batch.partition, records, lag: Number(batch.offsetLag()) }, { isRunning, heartbeat });
        // Sought elsewhere while handled: this batch is read again from there.
        if (isStale()) return;
        resolveOffset(batch.lastOffset());
        if (options.deferCommits) {
          const next = BigInt(batch.lastOffset()) + 1n;
          if (next > (this.processed.get(key) ?? -1n)) this.processed.set(key, next);
        } else if (autoCommit) await this.commitAhead(uncommittedOffsets(), commitOffsetsIfNecessary);
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
        this.committed.set(`${topic}/${s.partition}`, BigInt(s.offset));
        this.consumer.seek({ topic, partition: s.partition, offset: s.offset });
      }
      this.logger.info('starting positions of a new group committed before processing', { groupId, topic, starts, fromBeginning });
    }
  }

  /** Commits the resolved positions that are past what was committed; a rewound partition waits. */
  private async commitAhead(uncommitted: Uncommitted, commit: EachBatchPayload['commitOffsetsIfNecessary']): Promise<void> {
    const topics = uncommitted.topics
      .map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.filter((p) => BigInt(p.offset) > (this.committed.get(`${topic}/${p.partition}`) ?? -1n)),
      }))
      .filter((t) => t.partitions.length > 0);
    if (topics.length === 0) return;
    await commit({ topics });
    for (const { topic, partitions } of topics) for (const p of partitions) this.committed.set(`${topic}/${p.partition}`, BigInt(p.offset));
  }

  processedPositions(): ProcessedPositions {
    const offsets = [...this.processed].map(([key, offset]) => {
      const cut = key.lastIndexOf('/');
      return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset: offset.toString() };
    });
    return { generation: this.generation, offsets };
  }

  async commitPositions(positions: ProcessedPositions): Promise<void> {
    if (positions.generation !== this.generation) {
      this.logger.info('processed positions of an earlier generation not committed (a rebalance since)', { groupId: this.options.groupId });
      return;
    }
    const ahead = positions.offsets.filter((o) => BigInt(o.offset) > (this.committed.get(`${o.topic}/${o.partition}`) ?? -1n));
    if (ahead.length === 0) return;
    await this.consumer.commitOffsets(ahead);
    // A join during the commit started a new generation: its positions were looked up afresh.
    if (positions.generation !== this.generation) return;
    for (const o of ahead) {
      const key = `${o.topic}/${o.partition}`;
      if (BigInt(o.offset) > (this.committed.get(key) ?? -1n)) this.committed.set(key, BigInt(o.offset));
    }
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
    // kafkajs stop() waits for the running eachBatch (which commits what it processed) before leaving.
    this.closing ??= (async () => {
      try {
        await this.consumer.stop();
      } finally {
        await this.consumer.disconnect();
      }
    })();
    return this.closing;
  }
}
