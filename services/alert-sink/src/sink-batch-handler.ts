import { unreachable, retry, sleep, toPipelineError, type BatchContext, type PipelineError, type BatchHandler, type ConsumedBatch, type Logger, type RejectedRecord } from '@telfraud/common';
import type { AlertRow, SinkRows, VictimRow } from './rows.js';
import type { RowDecoder } from './topic-decoder.js';
import { scheduleOf, type Scheduler } from './scheduler.js';

export interface SinkHandlerDeps {
  alertsTopic: string;
  victimsTopic: string;
  alerts: RowDecoder<AlertRow>;
  victims: RowDecoder<VictimRow>;
  deadLetters: { park(records: RejectedRecord[]): Promise<void> };
  /** Resolves once the rows are taken (commits are deferred until they are stored). */
  batcher: { add(rows: SinkRows, bytes: number): Promise<void>; readonly refusing?: boolean };
  onBatch?: (batch: ConsumedBatch) => void;
  logger: Logger;
  scheduler: Scheduler;
  /** How often to heartbeat while a batch waits for room in the batcher. */
  heartbeatIntervalMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

/** Resolves with `stored`, heartbeating the group every interval meanwhile. A failed heartbeat (rebalance) is thrown. */
export async function waitWithHeartbeat(stored: Promise<void>, ctx: BatchContext, scheduler: Scheduler, intervalMs: number): Promise<void> {
  let settled = false;
  const watched = stored.finally(() => {
    settled = true;
  });
  // If a heartbeat throws first, the rows are still stored later; the rejection must not go unhandled.
  watched.catch(() => undefined);
  while (!settled) {
    const tick = new AbortController();
    try {
      await Promise.race([watched, sleep(intervalMs, tick.signal, scheduleOf(scheduler))]);
    } finally {
      tick.abort();
    }
    if (!settled) await ctx.heartbeat();
  }
  await watched;
}

/**
 * source → decode → contract check → dead-letter or batcher. The handler resolves once the batcher
 * has taken the rows; the consumer defers commits, and the batcher commits the positions only once
 * the rows before them are stored.
 */
export function createSinkBatchHandler(deps: SinkHandlerDeps): BatchHandler {
  const { logger, scheduler } = deps;

  const prepareWithRetry = async (decoder: RowDecoder<unknown>, batch: ConsumedBatch, ctx: BatchContext): Promise<void> => {
    await retry(async () => {
      try {
        await decoder.prepare(batch.records);
      } catch (err) {
        throw toPipelineError(err);
      }
    }, {
      afterWait: () => ctx.heartbeat(),
      backoff: { initialMs: deps.retryInitialMs, maxMs: deps.retryMaxMs },
      schedule: scheduleOf(scheduler),
      retryable: (err) => (err as PipelineError).retryable,
      onRetry: (err, attempt, delayMs) => {
        const error = err as PipelineError;
        logger.warn('writer schemas unavailable, retrying', { topic: batch.topic, partition: batch.partition, attempt: attempt + 1, retryInMs: delayMs, code: error.code, err: error.message });
      },
    });
  };

  return async (batch, ctx) => {
    // Shutting down: left unprocessed, never committed, consumed again after the restart.
    if (deps.batcher.refusing) return;
    deps.onBatch?.(batch);
    const isAlerts = batch.topic === deps.alertsTopic;
    if (!isAlerts && batch.topic !== deps.victimsTopic) unreachable(`alert-sink is not subscribed to ${batch.topic}`);
    const decoder: RowDecoder<AlertRow | VictimRow> = isAlerts ? deps.alerts : deps.victims;
    await prepareWithRetry(decoder, batch, ctx);
    const { rows, rejected } = decoder.decode(batch.records, scheduler.now());
    // Park first: if the dead-letter topic is unreachable the handler fails and the batch comes again.
    await deps.deadLetters.park(rejected);
    const sinkRows: SinkRows = isAlerts ? { alerts: rows as AlertRow[], victims: [] } : { alerts: [], victims: rows as VictimRow[] };
    let bytes = 0;
    for (const r of batch.records) bytes += r.value?.length ?? 0;
    // Also without rows: the batcher then knows this batch's offsets may be committed.
    await waitWithHeartbeat(deps.batcher.add(sinkRows, bytes), ctx, scheduler, deps.heartbeatIntervalMs);
  };
}
