import { PipelineError, type ConsumedBatch, type Logger, type OffsetsReader, type PartitionAssignment } from '@telfraud/common';
import type { RulePack } from '@telfraud/core';
import { partitionSource } from '../pipeline/source-id.js';

/**
 * How far back state reaches for `pack`: the longest span any rule keeps (a sliding or tumbling
 * window's size, a session's maximum length, an OTP correlation's `within`, the victim look-back)
 * plus the allowed lateness. Re-reading this much before a restart point rebuilds the window state.
 */
export function rewindWindowMs(pack: RulePack): number {
  let longest = pack.settings.victimLookbackMs;
  for (const rule of pack.rules) {
    if (!rule.enabled) continue;
    if (rule.type === 'otp_after_call') longest = Math.max(longest, rule.withinMs);
    else if (rule.window.type === 'session') longest = Math.max(longest, rule.window.maxMs);
    else longest = Math.max(longest, rule.window.sizeMs);
  }
  return longest + pack.settings.allowedLatenessMs;
}

export interface RewindInput {
  rewindMs: number;
  /** The group's committed offset when the partition was assigned; -1 when it had none. */
  committed: number;
  /** First offset the log still holds. */
  low: number;
  /** First record read after the assignment (at the committed position) and its broker time. */
  firstOffset: number;
  firstTimestamp: number;
  /** The broker's answer for the first offset at or after `firstTimestamp - rewindMs`. */
  offsetAtTime: number;
}

export type RewindPlan =
  | { kind: 'live'; reason: 'disabled' | 'new-group' | 'nothing-before' }
  | { kind: 'rewind'; from: number; replayBelow: number; method: 'timestamp' | 'log-start' };

/**
 * Where to re-read a partition from after an assignment. A broker that looks offsets up by time
 * must answer at most `firstOffset` (that record is recent enough); an answer past it means it
 * cannot (librdkafka's mock answers the log end), and the rewind falls back to the log start,
 * which re-reads more than needed but never less.
 */
export function planRewind(input: RewindInput): RewindPlan {
  if (input.rewindMs <= 0) return { kind: 'live', reason: 'disabled' };
  // A new group processed nothing before: there is no state to rebuild and nothing was emitted.
  if (input.committed < 0) return { kind: 'live', reason: 'new-group' };
  const byTime = input.offsetAtTime <= input.firstOffset;
  const from = Math.max(byTime ? input.offsetAtTime : input.low, input.low);
  if (from >= input.committed) return { kind: 'live', reason: 'nothing-before' };
  return { kind: 'rewind', from, replayBelow: input.committed, method: byTime ? 'timestamp' : 'log-start' };
}

type PartitionState =
  | { kind: 'unchecked' }
  /**
   * `next`: the first offset not replayed yet. `resume`: a rebalance kept the partition here
   * mid-replay; the consumer then restarts it at the committed position, so its next batch must
   * seek back to `next` or the rest of the replay would be skipped.
   */
  | { kind: 'replaying'; from: number; next: number; replayBelow: number; since: number; resume: boolean }
  | { kind: 'live' };

export interface PartitionRewindOptions {
  reader: Pick<OffsetsReader, 'positions' | 'offsetsAtTime'>;
  seek: (topic: string, partition: number, offset: number) => void;
  groupId: string;
  /** Read at each assignment, so a hot-reloaded rule pack's windows count. */
  rewindMs: () => number;
  logger: Logger;
  now?: () => number;
}

/**
 * Rebuilds the in-memory window state of newly assigned partitions by rewinding them. On the
 * first batch of a partition (read at the committed position), it looks up the offset about
 * `rewindMs` of broker time earlier and seeks there; records below the committed position are
 * then replayed into the engine without emitting (see DetectionPipeline), and the partition is
 * live again once reading passes that position. Partitions kept across a rebalance keep their
 * state and are not rewound.
 */
export class PartitionRewind {
  private partitions = new Map<string, PartitionState>();
  private warnedNoTimeLookup = false;
  private readonly now: () => number;

  constructor(private readonly options: PartitionRewindOptions) {
    this.now = options.now ?? Date.now;
  }

  onAssignment(assignment: PartitionAssignment[]): void {
    const next = new Map<string, PartitionState>();
    for (const { topic, partitions } of assignment) {
      for (const partition of partitions) {
        const key = partitionSource(topic, partition);
        const kept = this.partitions.get(key);
        next.set(key, kept?.kind === 'replaying' ? { ...kept, resume: true } : kept ?? { kind: 'unchecked' });
      }
    }
    this.partitions = next;
  }

  /**
   * Call before processing a batch. True: the partition was sought back and this batch will be
   * read again, so skip it. Throws when offsets cannot be read (the batch is then retried).
   */
  async rewound(batch: ConsumedBatch): Promise<boolean> {
    const key = partitionSource(batch.topic, batch.partition);
    const first = batch.records[0];
    const state = this.partitions.get(key);
    if (state?.kind === 'replaying' && state.resume && first) return this.resumed(batch, state, Number(first.offset));
    if (state?.kind !== 'unchecked' || !first) return false;
    const rewindMs = this.options.rewindMs();
    const plan: RewindPlan = rewindMs > 0 ? await this.plan(batch, rewindMs) : { kind: 'live', reason: 'disabled' };
    if (plan.kind === 'live') {
      this.partitions.set(key, { kind: 'live' });
      return false;
    }
    const log = {
      topic: batch.topic, partition: batch.partition, from: plan.from, committed: plan.replayBelow,
      records: plan.replayBelow - plan.from, rewindMs, method: plan.method,
    };
    if (plan.method === 'log-start' && !this.warnedNoTimeLookup) {
      this.warnedNoTimeLookup = true;
      this.options.logger.warn('the broker cannot look offsets up by time; rewinding partitions to the start of their log instead', log);
    }
    this.options.logger.info('rewinding partition to rebuild window state (re-read records are not re-emitted)', log);
    this.partitions.set(key, { kind: 'replaying', from: plan.from, next: plan.from, replayBelow: plan.replayBelow, since: this.now(), resume: false });
    this.options.seek(batch.topic, batch.partition, plan.from);
    return true;
  }

  /** The first batch of a partition kept mid-replay across a rebalance: back to where the replay was. */
  private resumed(batch: ConsumedBatch, state: Extract<PartitionState, { kind: 'replaying' }>, firstOffset: number): boolean {
    state.resume = false;
    if (firstOffset === state.next) return false;
    this.options.logger.info('rebalanced while rewinding: resuming the replay where it was', {
      topic: batch.topic, partition: batch.partition, from: state.next, readAt: firstOffset, committed: state.replayBelow,
    });
    this.options.seek(batch.topic, batch.partition, state.next);
    return true;
  }

  private async plan(batch: ConsumedBatch, rewindMs: number): Promise<RewindPlan> {
    const first = batch.records[0]!;
    const [positions, atTime] = await Promise.all([
      this.options.reader.positions(this.options.groupId, batch.topic),
      this.options.reader.offsetsAtTime(batch.topic, first.timestamp - rewindMs),
    ]);
    const pos = positions.find((p) => p.partition === batch.partition);
    const at = atTime.find((p) => p.partition === batch.partition);
    if (!pos || !at) throw new PipelineError('KAFKA_UNAVAILABLE', `no offsets for ${batch.topic}/${batch.partition}`, { retryable: true });
    return planRewind({
      rewindMs, committed: pos.committed, low: pos.low, firstOffset: Number(first.offset), firstTimestamp: first.timestamp, offsetAtTime: at.offset,
    });
  }

  /** Records of the partition below this offset are replays; undefined when it is live. */
  replayBelow(topic: string, partition: number): number | undefined {
    const state = this.partitions.get(partitionSource(topic, partition));
    return state?.kind === 'replaying' ? state.replayBelow : undefined;
  }

  onBatchProcessed(topic: string, partition: number, lastOffset: string): void {
    const key = partitionSource(topic, partition);
    const state = this.partitions.get(key);
    if (state?.kind !== 'replaying') return;
    state.next = Math.max(state.next, Number(lastOffset) + 1);
    if (state.next < state.replayBelow) return;
    this.partitions.set(key, { kind: 'live' });
    this.options.logger.info('window state rebuilt; partition live again', {
      topic, partition, replayed: state.replayBelow - state.from, ms: this.now() - state.since,
    });
  }
}
