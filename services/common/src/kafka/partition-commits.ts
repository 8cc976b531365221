import type { Logger } from '../logger.js';
import type { ProcessedPositions } from './kafka-port.js';

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset to read: one past the last record handled. */
  offset: string;
}

/** Sends one offset commit to the group coordinator (the client's own call). */
export type CommitOffsets = (offsets: OffsetToCommit[]) => Promise<void>;

const keyOf = (topic: string, partition: number): string => `${topic}/${partition}`;

/**
 * What a consumer has committed and processed in the current group generation, shared by both
 * Kafka clients' adapters, and the commits themselves sent off the batch path.
 *
 * A handled batch's position is committed in the background: the next batch is handled while the
 * commit travels (a round trip per batch would otherwise bound a consumer's batches per second,
 * whatever its CPU). Positions handed in while a commit travels go out together in the next one,
 * in order. A position is only ever committed once its batch was handled, never behind what is
 * committed (a partition sought back to rebuild state waits until reading passes it again), and
 * not across a rebalance. `flush()` waits for everything handled to be committed (closing).
 */
export class PartitionCommits {
  /** topic/partition → the furthest offset committed (or found committed) in this generation. */
  private readonly committed = new Map<string, bigint>();
  /** `deferCommits`: topic/partition → the next offset after the batches handled in this generation. */
  private readonly processed = new Map<string, bigint>();
  /** Handled positions not yet sent in a commit. */
  private readonly pending = new Map<string, { topic: string; partition: number; next: bigint }>();
  private sending: Promise<void> | undefined;
  private commit: CommitOffsets | undefined;
  private generationNo = 0;

  constructor(private readonly groupId: string, private readonly logger: Logger) {}

  /** Bumped on every group join or assignment; commits of an older generation are skipped. */
  get generation(): number {
    return this.generationNo;
  }

  /** A rebalance: what was committed or pending belongs to the previous generation. */
  newGeneration(): void {
    this.generationNo++;
    this.committed.clear();
    this.processed.clear();
    this.pending.clear();
  }

  /** The first batch of a partition in a generation is read at the group's committed position. */
  readFrom(topic: string, partition: number, offset: string): void {
    const key = keyOf(topic, partition);
    if (!this.committed.has(key)) this.committed.set(key, BigInt(offset));
  }

  /** A position committed outside the batch path (a new group's starting position). */
  committedAt(topic: string, partition: number, offset: string): void {
    this.committed.set(keyOf(topic, partition), BigInt(offset));
  }

  /** `deferCommits`: the batch ending before `next` was handled; committed later, by `commitPositions`. */
  markProcessed(topic: string, partition: number, next: bigint): void {
    const key = keyOf(topic, partition);
    if (next > (this.processed.get(key) ?? -1n)) this.processed.set(key, next);
  }

  /**
   * The batch ending before `next` was handled: its position is committed in the background with
   * `commit`. The promise settles once it is (callers that stop wait for it; others need not).
   */
  handled(topic: string, partition: number, next: bigint, commit: CommitOffsets): Promise<void> {
    const key = keyOf(topic, partition);
    this.commit = commit;
    if (next > (this.committed.get(key) ?? -1n) && next > (this.pending.get(key)?.next ?? -1n)) this.pending.set(key, { topic, partition, next });
    return this.startSending();
  }

  /** Every handled position committed; rejects with a commit's failure. */
  async flush(): Promise<void> {
    for (let sending = this.startSending(); ; sending = this.startSending()) {
      await sending;
      if (this.pending.size === 0 || !this.commit) return;
    }
  }

  private startSending(): Promise<void> {
    if (this.pending.size === 0 && !this.sending) return Promise.resolve();
    this.sending ??= this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** One commit at a time, until nothing handled is left uncommitted. A failed commit leaves its positions pending for the next batch. */
  private async send(): Promise<void> {
    while (this.pending.size > 0 && this.commit) {
      const generation = this.generationNo;
      const batch = [...this.pending.values()];
      this.pending.clear();
      try {
        await this.commit(batch.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next.toString() })));
      } catch (err) {
        if (generation === this.generationNo) {
          for (const p of batch) {
            const key = keyOf(p.topic, p.partition);
            if (p.next > (this.pending.get(key)?.next ?? -1n)) this.pending.set(key, p);
          }
        }
        throw err;
      }
      // A join during the commit started a new generation: its positions were looked up afresh.
      if (generation !== this.generationNo) continue;
      for (const p of batch) {
        const key = keyOf(p.topic, p.partition);
        if (p.next > (this.committed.get(key) ?? -1n)) this.committed.set(key, p.next);
      }
    }
  }

  processedPositions(): ProcessedPositions {
    const offsets = [...this.processed].map(([key, offset]) => {
      const cut = key.lastIndexOf('/');
      return { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset: offset.toString() };
    });
    return { generation: this.generationNo, offsets };
  }

  /** `deferCommits`: commits a snapshot's positions past what is committed, unless a rebalance came since. */
  async commitPositions(positions: ProcessedPositions, commit: CommitOffsets): Promise<void> {
    if (positions.generation !== this.generationNo) {
      this.logger.info('processed positions of an earlier generation not committed (a rebalance since)', { groupId: this.groupId });
      return;
    }
    const ahead = positions.offsets.filter((o) => BigInt(o.offset) > (this.committed.get(keyOf(o.topic, o.partition)) ?? -1n));
    if (ahead.length === 0) return;
    await commit(ahead);
    // A join during the commit started a new generation: its positions were looked up afresh.
    if (positions.generation !== this.generationNo) return;
    for (const o of ahead) {
      const key = keyOf(o.topic, o.partition);
      if (BigInt(o.offset) > (this.committed.get(key) ?? -1n)) this.committed.set(key, BigInt(o.offset));
    }
  }
}
