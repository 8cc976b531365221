import { contractCheck, decodeRecords, type BatchContext, type ConsumedBatch, type DeadLetterPublisher, type Logger, type RecordDecoder } from '@telfraud/common';
import { validateAlert, type Alert } from '@telfraud/core';
import type { ActionExecutor } from './action-executor.js';
import type { BlockerMetrics } from './blocker-metrics.js';
import type { BlockerCore } from './core/blocker-core.js';
import type { SerialQueue } from './serial-queue.js';

export interface AlertPipelineDeps {
  decoder: RecordDecoder<Alert>;
  core: BlockerCore;
  executor: ActionExecutor;
  queue: SerialQueue;
  deadLetters: DeadLetterPublisher;
  metrics: BlockerMetrics;
  logger: Logger;
  now: () => number;
  /** Aborted when the service stops: interrupts webhook back-offs and write retries. */
  signal: AbortSignal;
  heartbeatIntervalMs?: number;
}

/**
 * One consumed batch of alerts: decode, park what is unreadable, decide (in the serial queue),
 * carry out. The handler resolves only when hooks, the action topic and the audit have it all,
 * so the consumer commits offsets only then; heartbeats keep the group while receivers are retried.
 */
export function createAlertBatchHandler(deps: AlertPipelineDeps): (batch: ConsumedBatch, ctx: BatchContext) => Promise<void> {
  return async (batch, ctx) => {
    deps.metrics.consumed.inc(batch.records.length);
    // A registry outage throws here, before anything is decided: the batch is consumed again.
    await deps.decoder.prepare(batch.records.map((r) => r.value));
    const { values: alerts, rejected } = decodeRecords(deps.decoder, batch.records, contractCheck(validateAlert));
    await deps.deadLetters.park(rejected);
    if (alerts.length === 0) return;
    const beat = setInterval(() => void ctx.heartbeat().catch(() => undefined), deps.heartbeatIntervalMs ?? 1_000);
    try {
      await deps.queue.run(() => {
        const now = deps.now();
        const plans = alerts.flatMap((a) => deps.core.onAlert(a, now));
        return deps.executor.execute(plans, deps.signal);
      });
    } finally {
      clearInterval(beat);
    }
  };
}
