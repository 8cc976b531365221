/**
 * The pipeline's own small Kafka port. Services depend on these interfaces only, so the
 * kafkajs adapter (unmaintained since 2023) can be swapped for a librdkafka-based client.
 */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp (ms): production time, used for end-to-end latency. */
  timestamp: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** Messages left in the partition after this batch. */
  lag: number;
}

export interface BatchContext {
  isRunning(): boolean;
  heartbeat(): Promise<void>;
}

/** Offsets of a batch are committed only after its handler resolves. */
export type BatchHandler = (batch: ConsumedBatch, ctx: BatchContext) => Promise<void>;

export interface PartitionAssignment {
  topic: string;
  partitions: number[];
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Max bytes fetched per partition per request. */
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /**
   * Batches of different partitions handled at once (default 1). Never two of one partition, and
   * each batch's offsets are still committed only after its own handler resolved.
   */
  concurrentBatches?: number;
  /** Default true. False: never commit offsets (a reader that replays a topic under a throwaway group). */
  autoCommit?: boolean;
  /**
   * Default false. True: a resolved handler only marks its batch processed; nothing is committed
   * until `commitPositions()` is called with a mark from `processedPositions()` (a consumer that
   * aggregates many batches and stores them later commits only what it has stored). The starting
   * positions of a new group are still committed at assignment.
   */
  deferCommits?: boolean;
  onAssignment?: (assignment: PartitionAssignment[]) => void;
  onCrash?: (error: Error) => void;
}

/** A consumer's processed positions at one moment (see `MessageConsumer.processedPositions`). */
export interface ProcessedPositions {
  /** Bumped on every group join; commits of an older generation are skipped. */
  readonly generation: number;
  readonly offsets: readonly { topic: string; partition: number; offset: string }[];
}

export interface MessageConsumer {
  run(handler: BatchHandler): Promise<void>;
  pause(topics: string[]): void;
  resume(topics: string[]): void;
  /**
   * Reads `partition` again from `offset` (call it from a batch handler). The batch being handled is
   * then neither resolved nor committed, and the committed position never moves back: commits for
   * the partition resume once reading passes the furthest offset already committed.
   */
  seek(topic: string, partition: number, offset: number): void;
  /**
   * `deferCommits`: where every partition is processed up to (the next offset to read after the
   * batches whose handlers resolved) in the current group generation. A snapshot: take it together
   * with what those batches produced.
   */
  processedPositions(): ProcessedPositions;
  /**
   * `deferCommits`: commits a snapshot's positions that are past what is committed. A snapshot from
   * an earlier generation (a rebalance since) is skipped: the partitions' new owners read on from
   * the last commit. Throws if the broker refuses the commit.
   */
  commitPositions(positions: ProcessedPositions): Promise<void>;
  /** Stops fetching, waits for the in-flight batch, commits, leaves the group. Idempotent. */
  close(): Promise<void>;
}

export interface OutgoingRecord {
  key: string | Buffer | null;
  value: Buffer;
  headers?: Record<string, string>;
  partition?: number;
}

export interface MessageProducer {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** A partition's high watermark: the offset the next record written to it will get. */
export interface PartitionEndOffset {
  partition: number;
  offset: string;
}

export interface KafkaPort {
  createConsumer(options: ConsumerOptions): MessageConsumer;
  createProducer(): Promise<MessageProducer>;
  /** High watermarks of every partition of `topic`, for readers that must reach the current end. */
  fetchEndOffsets(topic: string): Promise<PartitionEndOffset[]>;
  /** A long-lived reader of partition positions, for polling consumer progress. */
  createOffsetsReader(): Promise<OffsetsReader>;
}

export interface PartitionPositions {
  partition: number;
  /** First offset still in the log. */
  low: number;
  /** Offset the next produced message gets. */
  high: number;
  /** The group's committed offset, or -1 when it has none. */
  committed: number;
}

export interface OffsetsReader {
  positions(groupId: string, topic: string): Promise<PartitionPositions[]>;
  /**
   * Per partition, the first offset whose broker timestamp is at or after `timestampMs`; the high
   * watermark when there is none (also what brokers that cannot look offsets up by time answer).
   */
  offsetsAtTime(topic: string, timestampMs: number): Promise<{ partition: number; offset: number }[]>;
  close(): Promise<void>;
}
