import { PipelineError, backoffDelay, sleep, type Logger } from '@telfraud/common';
import { toStoreError, type AlertStore, type StoreError } from './alert-store.js';
import { rowCount, type SinkRows, type SinkTable } from './rows.js';
import { realScheduler, scheduleOf, type Scheduler } from './scheduler.js';

/** What the batcher reports about each INSERT (the metrics implement it). */
export interface InsertObserver {
  inserted(table: SinkTable, rows: number, seconds: number): void;
  failed(table: SinkTable, error: StoreError, seconds: number): void;
}

export interface SinkBatcherOptions {
  store: AlertStore;
  /** Flush as soon as this many rows wait; also the largest single INSERT. */
  maxRows: number;
  /** Longest a row waits for company before it is flushed (0: flush at once). */
  flushIntervalMs: number;
  /**
   * The most adds that can wait at once (the consumer's concurrent batch handlers). When that many
   * wait, no more rows can arrive before one of them is acked, so waiting longer is pure latency:
   * flush at once. Unset: only size and interval trigger a flush.
   */
  maxWaitingBatches?: number;
  retryInitialMs: number;
  retryMaxMs: number;
  logger: Logger;
  observer?: InsertObserver;
  scheduler?: Scheduler;
}

interface Waiter {
  rows: SinkRows;
  resolve: () => void;
  reject: (error: Error) => void;
}

interface InsertJob {
  table: SinkTable;
  rows: number;
  run: () => Promise<void>;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Gathers rows from many consumed batches into few INSERTs. `add()` resolves only once every row
 * it brought is stored, so a batch handler that awaits it lets the consumer commit offsets only
 * after the rows are in ClickHouse. Batches from concurrent partitions share a flush.
 *
 * One flush runs at a time. A failed INSERT is retried with capped exponential back-off and its
 * rows stay held (the handlers stay pending, so the consumer stops fetching instead of growing
 * memory); acknowledgements are resolved in the order rows were added.
 */
export class SinkBatcher {
  private readonly scheduler: Scheduler;
  private pending: Waiter[] = [];
  private pendingRows = 0;
  private inFlight: Waiter[] = [];
  private inFlightRows = 0;
  private cancelTimer: (() => void) | undefined;
  private due = false;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private draining = false;
  private closed = false;
  private abortError: PipelineError | undefined;
  private wakeBackoff: (() => void) | undefined;

  constructor(private readonly options: SinkBatcherOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** Rows waiting or being inserted. */
  get heldRows(): number {
    return this.pendingRows + this.inFlightRows;
  }

  /** Queues rows; resolves when all of them are stored, rejects only if the batcher is aborted or closed. */
  add(rows: SinkRows): Promise<void> {
    if (this.abortError) return Promise.reject(this.abortError);
    if (this.closed) return Promise.reject(new PipelineError('INTERNAL', 'the sink batcher is closed'));
    const count = rowCount(rows);
    if (count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.pendingRows += count;
      if (this.draining || this.options.flushIntervalMs === 0 || this.batchIsFull()) {
        this.requestFlush();
      } else {
        this.cancelTimer ??= this.scheduler.schedule(this.options.flushIntervalMs, () => {
          this.cancelTimer = undefined;
          this.requestFlush();
        });
      }
    });
  }

  /** Flushes what waits, and from now on every add at once (shutdown). Resolves when nothing is held. */
  async drain(): Promise<void> {
    this.draining = true;
    this.requestFlush();
    while (this.running) await this.loop;
  }

  /** Drains, then refuses further rows. Idempotent. */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  /**
   * Gives up on rows not stored yet: their `add()` promises reject, so their offsets are never
   * committed and the records are consumed again after a restart. Ends any back-off at once.
   */
  abort(reason: string): void {
    if (this.abortError) return;
    this.abortError = new PipelineError('SHUTDOWN_TIMEOUT', reason);
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.wakeBackoff?.();
    const dropped = [...this.inFlight, ...this.pending];
    this.inFlight = [];
    this.pending = [];
    this.inFlightRows = 0;
    this.pendingRows = 0;
    for (const waiter of dropped) waiter.reject(this.abortError);
  }

  private batchIsFull(): boolean {
    const { maxRows, maxWaitingBatches } = this.options;
    return this.pendingRows >= maxRows || (maxWaitingBatches !== undefined && this.pending.length >= maxWaitingBatches);
  }

  private requestFlush(): void {
    this.due = true;
    if (this.running) return;
    this.running = true;
    this.loop = this.flushLoop();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.due && this.pending.length > 0 && !this.abortError) {
        this.due = false;
        this.cancelTimer?.();
        this.cancelTimer = undefined;
        const taken = this.pending;
        this.pending = [];
        this.inFlight = taken;
        this.inFlightRows = this.pendingRows;
        this.pendingRows = 0;
        await this.storeWithRetry(taken);
        if (this.abortError) break;
        this.inFlight = [];
        this.inFlightRows = 0;
        for (const waiter of taken) waiter.resolve();
        // Rows that arrived during this flush have their own timer, unless they already filled a batch.
        if (this.batchIsFull() || this.draining) this.due = true;
      }
    } catch (err) {
      // Not reachable by store failures (they are retried); a bug must still not strand the handlers.
      this.options.logger.error('sink flush failed unexpectedly', { err });
      this.abort(`flush failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.running = false;
    }
  }

  private jobsFor(taken: Waiter[]): InsertJob[] {
    const { store, maxRows } = this.options;
    const alerts = taken.flatMap((w) => w.rows.alerts);
    const victims = taken.flatMap((w) => w.rows.victims);
    return [
      ...chunks(alerts, maxRows).map((rows) => ({ table: 'alerts' as const, rows: rows.length, run: () => store.insertAlerts(rows) })),
      ...chunks(victims, maxRows).map((rows) => ({ table: 'victim_exposures' as const, rows: rows.length, run: () => store.insertVictims(rows) })),
    ];
  }

  /** Inserts every job, retrying each until it succeeds or the batcher is aborted. */
  private async storeWithRetry(taken: Waiter[]): Promise<void> {
    const { logger, observer, retryInitialMs, retryMaxMs } = this.options;
    for (const job of this.jobsFor(taken)) {
      for (let attempt = 0; ; attempt++) {
        if (this.abortError) return;
        const started = this.scheduler.now();
        try {
          await job.run();
          observer?.inserted(job.table, job.rows, (this.scheduler.now() - started) / 1000);
          if (attempt > 0) logger.info('insert succeeded after retries', { table: job.table, rows: job.rows, attempts: attempt + 1 });
          break;
        } catch (err) {
          const error = toStoreError(err);
          observer?.failed(job.table, error, (this.scheduler.now() - started) / 1000);
          if (this.abortError) return;
          const delayMs = backoffDelay(attempt, { initialMs: retryInitialMs, maxMs: retryMaxMs });
          logger.warn('insert failed, retrying', {
            table: job.table, rows: job.rows, attempt: attempt + 1, retryInMs: delayMs,
            code: error.code, detail: error.detail, err: error.message.slice(0, 500),
          });
          const wake = new AbortController();
          this.wakeBackoff = () => wake.abort();
          await sleep(delayMs, wake.signal, scheduleOf(this.scheduler));
          this.wakeBackoff = undefined;
        }
      }
    }
  }
}
