import { PipelineError, backoffDelay, sleep, type Logger, type ProcessedPositions } from '@telfraud/common';
import { toStoreError, type AlertStore, type StoreError } from './alert-store.js';
import { rowCount, type SinkRows, type SinkTable } from './rows.js';
import { realScheduler, scheduleOf, type Scheduler } from './scheduler.js';

/** What the batcher reports about each INSERT (the metrics implement it). */
export interface InsertObserver {
  inserted(table: SinkTable, rows: number, seconds: number): void;
  failed(table: SinkTable, error: StoreError, seconds: number): void;
}

/** The consumer's deferred commits (`deferCommits: true`): what the batcher commits after storing. */
export interface PositionsSource {
  processedPositions(): ProcessedPositions;
  commitPositions(positions: ProcessedPositions): Promise<void>;
}

export interface SinkBatcherOptions {
  store: AlertStore;
  /** An insert batch closes at this many rows; also the largest single INSERT. */
  maxRows: number;
  /** An insert batch closes once the consumed records behind its rows reach this many bytes. */
  maxBytes: number;
  /** An insert batch closes this long after its first row (0: at once). */
  flushIntervalMs: number;
  /** INSERTs under way at once; a batch closed while all of them run waits its turn. */
  concurrentInserts: number;
  retryInitialMs: number;
  retryMaxMs: number;
  logger: Logger;
  observer?: InsertObserver;
  scheduler?: Scheduler;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Rows gathered for one INSERT per table, with the consumer positions they cover. */
interface InsertBatch {
  alerts: SinkRows['alerts'];
  victims: SinkRows['victims'];
  rows: number;
  bytes: number;
  /** Taken when the batch closed: every record before these positions has its rows here or in an earlier batch. */
  positions: ProcessedPositions | undefined;
  stored: boolean;
  /** Consumed batches were handled since it opened (maybe without rows): closing it commits their positions. */
  touched: boolean;
  /** Its age is up: it closes as soon as an INSERT slot is free (until then it keeps growing). */
  due: boolean;
}

function emptyBatch(): InsertBatch {
  return { alerts: [], victims: [], rows: 0, bytes: 0, positions: undefined, stored: false, touched: false, due: false };
}

/**
 * Gathers the rows of many consumed batches (of any partitions, across fetches) into insert
 * batches that close by row count, by bytes or by age, and inserts up to `concurrentInserts` of
 * them at once. `add()` resolves as soon as the rows are taken, so the consumer reads on while
 * earlier rows are inserted; offsets are committed (deferred commits) only once every row before
 * them is stored: each batch carries the consumer's processed positions from the moment it closed,
 * and batches are committed in the order they closed, whatever order their INSERTs finish in.
 *
 * A failed INSERT is retried with capped exponential back-off while its rows stay held. When a
 * closed batch already waits behind the running INSERTs, `add()` waits too (the handlers stay
 * pending, so the consumer stops fetching instead of growing memory).
 */
export class SinkBatcher {
  private readonly scheduler: Scheduler;
  private open: InsertBatch = emptyBatch();
  /** Closed batches not yet committed past, in the order they closed. */
  private readonly closed: InsertBatch[] = [];
  private started = 0;
  private running = 0;
  private held = 0;
  private cancelTimer: (() => void) | undefined;
  private roomWaiters: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];
  private commits: Promise<void> = Promise.resolve();
  private positions: PositionsSource | undefined;
  private draining = false;
  private closedForGood = false;
  private abortError: PipelineError | undefined;
  private readonly wakeBackoffs = new Set<() => void>();

  constructor(private readonly options: SinkBatcherOptions) {
    this.scheduler = options.scheduler ?? realScheduler;
  }

  /** The consumer whose positions are committed after each stored batch (it is created after the batcher). */
  commitTo(source: PositionsSource): void {
    this.positions = source;
  }

  /** Rows taken and not yet stored and committed past. */
  get heldRows(): number {
    return this.held;
  }

  /** True once closed or aborted: later rows are refused. */
  get refusing(): boolean {
    return this.closedForGood || this.abortError !== undefined;
  }

  /**
   * Takes rows (`bytes`: the size of the consumed records they came from). Resolves once they are
   * taken, which waits only while a closed batch queues behind the running INSERTs; rejects if the
   * batcher is aborted or closed.
   */
  async add(rows: SinkRows, bytes = 0): Promise<void> {
    if (rowCount(rows) === 0) {
      // A consumed batch without rows (all parked, say): its offsets are committed with the next batch to close.
      if (this.refusing) return;
      this.open.touched = true;
      this.armTimer();
      return;
    }
    while (this.queued() > 0 && !this.refusing) {
      await new Promise<void>((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
    }
    if (this.abortError) throw this.abortError;
    if (this.closedForGood) throw new PipelineError('INTERNAL', 'the sink batcher is closed');
    const count = rowCount(rows);
    const bytesPerRow = bytes / count;
    this.held += count;
    for (const [table, list] of [['alerts', rows.alerts], ['victims', rows.victims]] as const) {
      for (let i = 0; i < list.length;) {
        const take = Math.min(list.length - i, this.options.maxRows - this.open.rows);
        if (table === 'alerts') this.open.alerts.push(...rows.alerts.slice(i, i + take));
        else this.open.victims.push(...rows.victims.slice(i, i + take));
        this.open.rows += take;
        this.open.touched = true;
        this.open.bytes += take * bytesPerRow;
        i += take;
        if (this.open.rows >= this.options.maxRows || this.open.bytes >= this.options.maxBytes) this.closeOpen();
      }
    }
    if (this.open.rows === 0) return;
    if (this.draining) this.closeOpen();
    else if (this.options.flushIntervalMs > 0) this.armTimer();
    else {
      this.open.due = true;
      this.pump();
    }
  }

  /** The open batch closes this long after it was first touched (a zero interval still waits for the handler to resolve). */
  private armTimer(): void {
    this.cancelTimer ??= this.scheduler.schedule(this.options.flushIntervalMs, () => {
      this.cancelTimer = undefined;
      this.open.due = true;
      // While every INSERT slot is busy the batch keeps growing: under load batches grow towards maxRows.
      if (this.running < this.options.concurrentInserts) this.closeOpen();
    });
  }

  /** Closes the open batch and from now on every add at once (shutdown); resolves when all is stored and committed. */
  async drain(): Promise<void> {
    this.draining = true;
    // Closed even when empty: its positions (every batch handled so far) are committed once all before is stored.
    this.open.touched = true;
    this.closeOpen();
    if (this.closed.length > 0 && !this.abortError) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.commits;
  }

  /** Drains, then refuses further rows. Idempotent. */
  async close(): Promise<void> {
    await this.drain();
    this.closedForGood = true;
    this.releaseRoom();
  }

  /**
   * Gives up on rows not stored yet: nothing more is committed, so their records are consumed again
   * after a restart. Ends any back-off at once.
   */
  abort(reason: string): void {
    if (this.abortError) return;
    this.abortError = new PipelineError('SHUTDOWN_TIMEOUT', reason);
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    for (const wake of this.wakeBackoffs) wake();
    this.open = emptyBatch();
    this.closed.length = 0;
    this.held = 0;
    this.releaseRoom();
    this.settleIdle();
  }

  /** Closed batches whose INSERT has not started. */
  private queued(): number {
    return this.closed.length - this.started;
  }

  private closeOpen(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (!this.open.touched || this.abortError) return;
    const batch = this.open;
    this.open = emptyBatch();
    batch.positions = this.positions?.processedPositions();
    this.closed.push(batch);
    this.pump();
  }

  private pump(): void {
    if (this.open.due && this.queued() === 0 && this.running < this.options.concurrentInserts) this.closeOpen();
    while (this.running < this.options.concurrentInserts && this.queued() > 0 && !this.abortError) {
      const batch = this.closed[this.started]!;
      this.started++;
      this.running++;
      void this.storeWithRetry(batch).then((stored) => {
        this.running--;
        if (!stored) return;
        batch.stored = true;
        this.commitStoredPrefix();
        this.pump();
        this.releaseRoom();
      });
    }
  }

  /** Commits the positions of the last batch of the stored prefix (every earlier row is stored). */
  private commitStoredPrefix(): void {
    let last: InsertBatch | undefined;
    while (this.closed[0]?.stored) {
      last = this.closed.shift()!;
      this.started--;
      this.held -= last.rows;
    }
    if (last?.positions) {
      const { positions } = last;
      const { logger } = this.options;
      this.commits = this.commits.then(async () => {
        if (this.abortError || !this.positions) return;
        try {
          await this.positions.commitPositions(positions);
        } catch (err) {
          // Stored but not committed: a later batch commits further on; a crash before it stores these rows again.
          logger.warn('sink offsets not committed', { err: err instanceof Error ? err.message : String(err) });
        }
      });
    }
    if (this.closed.length === 0) this.settleIdle();
  }

  private releaseRoom(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w.resolve();
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Inserts the batch's tables, retrying each until it succeeds (true) or the batcher is aborted (false). */
  private async storeWithRetry(batch: InsertBatch): Promise<boolean> {
    const { store } = this.options;
    const jobs: { table: SinkTable; rows: number; run: () => Promise<void> }[] = [];
    if (batch.alerts.length > 0) jobs.push({ table: 'alerts', rows: batch.alerts.length, run: () => store.insertAlerts(batch.alerts) });
    if (batch.victims.length > 0) jobs.push({ table: 'victim_exposures', rows: batch.victims.length, run: () => store.insertVictims(batch.victims) });
    try {
      for (const job of jobs) if (!(await this.insertWithRetry(job))) return false;
      return true;
    } catch (err) {
      // Not reachable by store failures (they are retried); a bug must still not strand the rows silently.
      this.options.logger.error('sink insert failed unexpectedly', { err });
      this.abort(`insert failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  private async insertWithRetry(job: { table: SinkTable; rows: number; run: () => Promise<void> }): Promise<boolean> {
    const { logger, observer, retryInitialMs, retryMaxMs } = this.options;
    for (let attempt = 0; ; attempt++) {
      if (this.abortError) return false;
      const started = this.scheduler.now();
      try {
        await job.run();
        observer?.inserted(job.table, job.rows, (this.scheduler.now() - started) / 1000);
        if (attempt > 0) logger.info('insert succeeded after retries', { table: job.table, rows: job.rows, attempts: attempt + 1 });
        return !this.abortError;
      } catch (err) {
        const error = toStoreError(err);
        observer?.failed(job.table, error, (this.scheduler.now() - started) / 1000);
        if (this.abortError) return false;
        const delayMs = backoffDelay(attempt, { initialMs: retryInitialMs, maxMs: retryMaxMs });
        logger.warn('insert failed, retrying', {
          table: job.table, rows: job.rows, attempt: attempt + 1, retryInMs: delayMs,
          code: error.code, detail: error.detail, err: error.message.slice(0, 500),
        });
        const wake = new AbortController();
        const wakeUp = (): void => wake.abort();
        this.wakeBackoffs.add(wakeUp);
        await sleep(delayMs, wake.signal, scheduleOf(this.scheduler));
        this.wakeBackoffs.delete(wakeUp);
      }
    }
  }
}
