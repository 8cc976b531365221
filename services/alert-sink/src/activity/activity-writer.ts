import {
  backoffDelay, contractCheck, decodeRecords, PipelineError, retry, sleep, toPipelineError,
  type BatchContext, type BatchHandler, type ConsumedBatch, type Logger, type ProcessedPositions, type RecordDecoder,
} from '@telfraud/common';
import { validateCallEvent } from '@telfraud/core';
import { toStoreError } from '../alert-store.js';
import { waitWithHeartbeat } from '../sink-batch-handler.js';
import { realScheduler, scheduleOf, type Scheduler } from '../scheduler.js';
import type { ActivityMetrics } from './activity-metrics.js';
import type { ActivityStore } from './activity-store.js';
import { MinuteActivity, type ActivityField, type ActivityRow } from './minute-activity.js';

/** What the writer needs of its consumer: deferred commits (`deferCommits: true`). */
export interface ProcessedPositionsSource {
  processedPositions(): ProcessedPositions;
  commitPositions(positions: ProcessedPositions): Promise<void>;
}

export interface ActivityWriterOptions {
  fields: readonly ActivityField[];
  decoder: RecordDecoder;
  store: ActivityStore;
  consumer: ProcessedPositionsSource;
  flushIntervalMs: number;
  /** Flush before reading on once this many rows are held (and wait while that flush is retried). */
  maxRows: number;
  retryInitialMs: number;
  retryMaxMs: number;
  heartbeatIntervalMs: number;
  logger: Logger;
  metrics?: ActivityMetrics;
  scheduler?: Scheduler;
}

const checkCall = contractCheck(validateCallEvent);

/**
 * Counts call events per origin and minute (MinuteActivity) and stores the counts in
 * `origin_activity` every `flushIntervalMs`, or as soon as `maxRows` are held. Offsets are
 * committed only after the rows they produced are stored: a flush takes the counts and the
 * consumer's processed positions at the same instant, inserts (retrying with back-off until it
 * succeeds or the writer is aborted), then commits those positions.
 *
 * Not exactly-once: a crash (or a rebalance) between an insert and its commit makes those events
 * count again when they are read again. The chart this feeds is an aid, not evidence.
 */
export class ActivityWriter {
  private readonly scheduler: Scheduler;
  private readonly activity: MinuteActivity;
  private flushing: Promise<void> | undefined;
  private cancelTimer: (() => void) | undefined;
  private wakeBackoff: (() => void) | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private inFlightRows = 0;
  private started = false;
  private closing = false;
  private closed = false;
  private aborted = false;

  constructor(private readonly options: ActivityWriterOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
    this.activity = new MinuteActivity(options.fields);
  }

  /** Rows counted and not stored yet. */
  get heldRows(): number {
    return this.activity.size + this.inFlightRows;
  }

  /** Arms the flush timer. */
  start(): void {
    this.started = true;
    this.arm();
  }

  /** The consumer's batch handler. It resolves once the batch is counted (not stored: commits are deferred). */
  readonly handle: BatchHandler = (batch, ctx) => {
    const run = this.count(batch, ctx);
    this.inFlight = run.catch(() => undefined);
    return run;
  };

  /** Resolves when no batch is being handled (call after pausing the consumer). */
  async idle(): Promise<void> {
    await this.inFlight;
  }

  /** Stores what is held and commits it; later batches are ignored (and never committed). */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.flushing) await this.flushing;
    if (!this.aborted) await this.flush();
    this.closed = true;
  }

  /** Gives up on rows not stored yet (shutdown deadline): they stay uncommitted and are read again after a restart. */
  abort(): void {
    this.aborted = true;
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.wakeBackoff?.();
  }

  /** Flushes now, or joins the flush under way. */
  flush(): Promise<void> {
    this.flushing ??= this.store().finally(() => {
      this.flushing = undefined;
      this.arm();
    });
    return this.flushing;
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (!this.started || this.closing || this.closed) return;
    this.cancelTimer = this.scheduler.schedule(this.options.flushIntervalMs, () => {
      this.cancelTimer = undefined;
      void this.flush();
    });
  }

  private async count(batch: ConsumedBatch, ctx: BatchContext): Promise<void> {
    const { decoder, metrics, logger, maxRows } = this.options;
    if (this.closed) return;
    metrics?.consumed.inc(batch.records.length);
    metrics?.consumerLag.set({ partition: String(batch.partition) }, batch.lag);
    // Before counting this batch, so that a flush here holds exactly the batches already handled.
    while (this.activity.size >= maxRows && !this.closed) await waitWithHeartbeat(this.flush(), ctx, this.scheduler, this.options.heartbeatIntervalMs);
    await this.prepare(batch, ctx);
    if (this.closed) return;
    const { values, rejected } = decodeRecords(decoder, batch.records, checkCall);
    for (const event of values) this.activity.add(event);
    if (rejected.length === 0) return;
    const reasons: Record<string, number> = {};
    for (const { error } of rejected) {
      metrics?.undecodable.inc({ reason: error.code });
      reasons[error.code] = (reasons[error.code] ?? 0) + 1;
    }
    // Debug only: the detector parks these records on its dead-letter topic with the reason.
    logger.debug('call events skipped by the activity writer', { topic: batch.topic, partition: batch.partition, firstOffset: rejected[0]?.record.offset, reasons });
  }

  /** Writer schemas of the batch; a registry outage is retried with back-off (the batch is not lost). */
  private async prepare(batch: ConsumedBatch, ctx: BatchContext): Promise<void> {
    const { decoder, logger, retryInitialMs, retryMaxMs } = this.options;
    await retry(async () => {
      try {
        await decoder.prepare(batch.records.map((r) => r.value));
      } catch (err) {
        throw toPipelineError(err);
      }
    }, {
      afterWait: () => ctx.heartbeat(),
      backoff: { initialMs: retryInitialMs, maxMs: retryMaxMs },
      schedule: scheduleOf(this.scheduler),
      retryable: (err) => (err as PipelineError).retryable && !this.closed,
      onRetry: (err, attempt, delayMs) => {
        const error = err as PipelineError;
        logger.warn('writer schemas unavailable to the activity writer, retrying', { partition: batch.partition, attempt: attempt + 1, retryInMs: delayMs, code: error.code, err: error.message });
      },
    });
  }

  /** Takes the counts with the positions they came from, stores them, then commits the positions. */
  private async store(): Promise<void> {
    const { consumer, logger, metrics } = this.options;
    const rows = this.activity.take();
    const positions = consumer.processedPositions();
    this.inFlightRows = rows.length;
    try {
      if (rows.length > 0 && !(await this.insertWithRetry(rows))) return;
    } finally {
      this.inFlightRows = 0;
    }
    try {
      await consumer.commitPositions(positions);
    } catch (err) {
      // Stored but not committed: the next flush commits further on; a crash before it counts these twice.
      metrics?.commitFailures.inc();
      logger.warn('activity offsets not committed', { err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** True once stored; false if the writer was aborted first (nothing committed then). */
  private async insertWithRetry(rows: ActivityRow[]): Promise<boolean> {
    const { store, logger, metrics, retryInitialMs, retryMaxMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      if (this.aborted) return false;
      const started = this.scheduler.now();
      try {
        await store.insertActivity(rows);
        metrics?.observeInsert(rows.length, (this.scheduler.now() - started) / 1000);
        if (attempt > 0) logger.info('activity insert succeeded after retries', { rows: rows.length, attempts: attempt + 1 });
        return true;
      } catch (err) {
        const error = toStoreError(err);
        metrics?.observeInsertFailure(error, (this.scheduler.now() - started) / 1000);
        if (this.aborted) return false;
        const delayMs = backoffDelay(attempt, { initialMs: retryInitialMs, maxMs: retryMaxMs });
        logger.warn('activity insert failed, retrying', { rows: rows.length, attempt: attempt + 1, retryInMs: delayMs, code: error.code, detail: error.detail, err: error.message.slice(0, 500) });
        const wake = new AbortController();
        this.wakeBackoff = () => wake.abort();
        await sleep(delayMs, wake.signal, scheduleOf(this.scheduler));
        this.wakeBackoff = undefined;
      }
    }
  }
}
