import {
  AvroTopicCodec, CONSUMER_GROUP_OFFSETS_POLL_MS, ConsumerGroupOffsets, DeadLetterPublisher, PipelineError, ResourceStack, ServiceHttpServer,
  createKafkaPort, createMetricsRegistry, createRegistryClient, loadTopicSchema, stopOnce, type Logger, type ServiceHandle,
} from '@telfraud/common';
import type { Alert } from '@telfraud/core';
import { ActionExecutor } from './action-executor.js';
import { ActionDeadLetters, ActionJournal } from './adapters/action-journal.js';
import { ClickHouseAuditStore, type AuditStore } from './adapters/clickhouse-audit-writer.js';
import { readJournal } from './adapters/journal-reader.js';
import { foldJournal } from './core/action-log.js';
import { createOperatorRoutes } from './adapters/operator-api.js';
import { WebhookClient } from './adapters/webhook-client.js';
import { WebhookDispatcher } from './adapters/webhook-dispatcher.js';
import { createAlertBatchHandler } from './alert-pipeline.js';
import { createBlockerMetrics } from './blocker-metrics.js';
import type { BlockerConfig } from './config.js';
import { BlockerCore, type Plan } from './core/blocker-core.js';
import { loadPolicy } from './policy-loader.js';
import { SerialQueue } from './serial-queue.js';

const WRITE_RETRY_INITIAL_MS = 250;
const WRITE_RETRY_MAX_MS = 10_000;

export interface BlockerHandle extends ServiceHandle {
  readonly httpPort: number;
}

/**
 * Builds and starts the blocker: policy, HTTP face (metrics, health, operator API), audit store,
 * journal replay (active blocks rebuilt from the action topic), hooks, alert consumer, expiry
 * sweep. If a step fails, what was opened is closed again. `stop()`: readiness off, the sweep
 * stops, in-flight work gets a grace period before its back-offs are interrupted (interrupted
 * work is left uncommitted and redone after a restart under the same idempotency keys), then
 * everything closes in reverse order.
 */
export async function startBlocker(config: BlockerConfig, logger: Logger, store?: AuditStore): Promise<BlockerHandle> {
  const resources = new ResourceStack(logger);
  const now = Date.now;
  try {
    const policy = loadPolicy(config.policyFile, config.referenceDir, (notice) => logger.warn('blocking policy uses a deprecated spelling', { notice }));
    const core = new BlockerCore(policy, { breakerMaxPerMinute: config.breakerMaxPerMinute, dryRun: config.dryRun });
    logger.info('policy loaded', { name: policy.name, rules: [...policy.rules.keys()], fallback: policy.fallback !== undefined, dryRun: config.dryRun });
    if (config.dryRun) logger.warn('DRY-RUN: decisions are recorded in the audit only; no hook is called and nothing is written to the action topic');

    const registry = createMetricsRegistry('blocker');
    const metrics = createBlockerMetrics(registry, () => core);
    const queue = new SerialQueue();
    const stopping = new AbortController();
    let executor: ActionExecutor | undefined;
    const carryOut = async (plan: Plan): Promise<Plan> => {
      if (!executor) throw new PipelineError('UPSTREAM_UNAVAILABLE', 'the blocker is still starting', { retryable: true });
      await executor.execute([plan], stopping.signal);
      return plan;
    };
    // A lift waits its turn (its unblock must not overtake a block still being delivered); pause,
    // resume and a breaker reset take effect at once, even while a batch waits on a receiver.
    const apply = (change: (at: number) => Plan, queued: boolean): Promise<Plan> =>
      queued ? queue.run(() => carryOut(change(now()))) : carryOut(change(now()));
    const http = await ServiceHttpServer.start({
      host: config.httpHost, port: config.httpPort, metrics: registry, logger, maxBodyBytes: 16_384,
      routes: createOperatorRoutes({ token: config.operatorToken, core, now, apply }),
    });
    resources.push('http server', () => http.close());

    const audit = store ?? ClickHouseAuditStore.create(config, logger, now);
    resources.push('clickhouse', () => audit.close());
    http.addReadinessCheck({ name: 'clickhouse', check: () => audit.ping() });

    const kafka = createKafkaPort(config, logger);
    const producer = await kafka.createProducer();
    resources.push('producer', () => producer.close());
    const journal = foldJournal(await readJournal(kafka, config.actionTopic, {
      groupId: `${config.groupId}-journal-${process.pid}-${now()}`, timeoutMs: config.journalTimeoutMs, logger,
    }));
    for (const a of journal.carriedOut) core.restore(a);
    // Deliveries a crash interrupted: their state is back now, their hooks go out before any new alert.
    if (config.dryRun && journal.pending.length > 0) logger.warn('actions decided before the restart stay undelivered: dry-run is on', { actions: journal.pending.length });
    const resumed = config.dryRun ? [] : journal.pending.map((p) => ({ plan: core.resumeDelivery(p.action, p.decision), body: p.body, attempts: p.attempts }));
    logger.info('active blocks rebuilt from the action topic', { topic: config.actionTopic, actions: journal.carriedOut.length, resumed: resumed.length, active: core.book.size });

    const schemas = createRegistryClient(config);
    const alertCodec = await AvroTopicCodec.lookup<Alert>(schemas, loadTopicSchema('fraud-alerts'), { logger });
    const dispatcher = config.webhookTargets.length === 0 ? undefined : new WebhookDispatcher({
      targets: config.webhookTargets.map((t) => t.url),
      client: new WebhookClient({ targets: config.webhookTargets, timeoutMs: config.webhookTimeoutMs, now }),
      maxAttempts: config.webhookMaxAttempts, retryInitialMs: config.webhookRetryInitialMs, retryMaxMs: config.webhookRetryMaxMs,
      logger: logger.child({ component: 'webhooks' }),
      onAttempt: (target, outcome) => metrics.webhookLatency.observe({ target, outcome: outcome.kind }, outcome.durationMs / 1000),
    });
    if (!dispatcher && !config.dryRun) logger.warn('no webhook targets (BLOCKER_WEBHOOK_URLS or BLOCKER_WEBHOOK_TARGETS_FILE): actions go to the action topic only');
    executor = new ActionExecutor({
      core, dispatcher, journal: new ActionJournal(producer, config.actionTopic),
      deadLetters: new ActionDeadLetters(producer, config.deadLetterTopic, logger), audit, metrics, logger, now,
      retryInitialMs: WRITE_RETRY_INITIAL_MS, retryMaxMs: WRITE_RETRY_MAX_MS,
    });
    const run = executor;
    resources.push('in-flight work', () => queue.run(() => undefined));
    if (resumed.length > 0) {
      logger.warn('delivering actions a restart interrupted, with their journaled bodies', { actions: resumed.length });
      void queue.run(() => run.resume(resumed, stopping.signal)).catch((err: unknown) => logger.error('interrupted deliveries not finished', { err }));
    }

    let sweeping = false;
    const sweep = setInterval(() => {
      if (sweeping) return;
      sweeping = true;
      void queue.run(() => run.execute(core.expire(now()), stopping.signal))
        .catch((err: unknown) => logger.warn('expiry sweep interrupted', { err }))
        .finally(() => (sweeping = false));
    }, config.expiryCheckMs);
    resources.push('expiry sweep', () => clearInterval(sweep));

    let stopRequested = false;
    let crashed: (error: Error) => void = () => undefined;
    const done = new Promise<void>((_resolve, reject) => (crashed = reject));
    const consumer = kafka.createConsumer({
      groupId: config.groupId, topics: [config.alertTopic], fromBeginning: config.fromBeginning,
      onAssignment: () => http.setReady(true),
      onCrash: (error) => {
        if (!stopRequested) crashed(error);
      },
    });
    resources.push('consumer', () => consumer.close());
    const groupOffsets = new ConsumerGroupOffsets({
      reader: await kafka.createOffsetsReader(), registry, intervalMs: CONSUMER_GROUP_OFFSETS_POLL_MS, logger,
      groups: [{ groupId: config.groupId, topics: [config.alertTopic] }],
    });
    groupOffsets.start();
    resources.push('group offsets', () => groupOffsets.close());
    await consumer.run(createAlertBatchHandler({
      decoder: alertCodec, core, executor, queue, metrics, logger, now, signal: stopping.signal,
      deadLetters: new DeadLetterPublisher(producer, metrics.rejected, logger),
    }));
    http.setReady(true);

    const stop = stopOnce(async () => {
      stopRequested = true;
      http.setReady(false);
      const grace = setTimeout(() => stopping.abort(), Math.min(5_000, Math.floor(config.shutdownTimeoutMs * 0.4)));
      try {
        await resources.closeAll();
      } finally {
        clearTimeout(grace);
      }
    });
    return { stop, done, httpPort: http.port };
  } catch (err) {
    await resources.closeAll();
    throw err;
  }
}
