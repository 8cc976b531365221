import {
  AvroTopicCodec, CONSUMER_GROUP_OFFSETS_POLL_MS, ConsumerGroupOffsets, DeadLetterPublisher, ResourceStack, ServiceHttpServer,
  createKafkaPort, createMetricsRegistry, createRegistryClient, loadTopicSchema,
  PipelineError, stopOnce, type BatchHandler, type Logger, type ServiceHandle,
} from '@telfraud/common';
import { validateAlert, validateVictimExposure } from '@telfraud/core';
import type { AlertSinkConfig } from './config.js';
import type { AlertStore } from './alert-store.js';
import { startActivityWriter } from './activity/activity-service.js';
import { ClickHouseAlertStore } from './clickhouse-alert-store.js';
import { toAlertRow, toVictimRow } from './rows.js';
import { createSinkBatchHandler } from './sink-batch-handler.js';
import { SinkBatcher } from './sink-batcher.js';
import { createSinkMetrics } from './sink-metrics.js';
import { realScheduler } from './scheduler.js';
import { TopicDecoder } from './topic-decoder.js';

const HEARTBEAT_INTERVAL_MS = 1_000;

export interface AlertSinkHandle extends ServiceHandle {
  readonly httpPort: number;
}

/** The URL without user-info, for logs. */
function safeUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/**
 * Builds and starts the alert sink: HTTP face, ClickHouse store, reader schemas, dead-letter
 * producer, batcher, consumer. If any step fails, what was opened is closed again.
 * `stop()`: readiness off, stop fetching, store held rows, commit, close in reverse order; rows
 * still unstored shortly before the shutdown deadline are abandoned uncommitted (and stop fails).
 */
export async function startAlertSink(config: AlertSinkConfig, logger: Logger, store?: AlertStore): Promise<AlertSinkHandle> {
  const resources = new ResourceStack(logger);
  try {
    const registry = createMetricsRegistry('alert-sink');
    const metrics = createSinkMetrics(registry);
    const http = await ServiceHttpServer.start({ host: config.httpHost, port: config.httpPort, metrics: registry, logger });
    resources.push('http server', () => http.close());

    const alertStore = store ?? ClickHouseAlertStore.create(config, logger);
    resources.push('clickhouse', () => alertStore.close());
    http.addReadinessCheck({ name: 'clickhouse', check: () => alertStore.ping() });
    if (!(await alertStore.ping())) {
      logger.warn('clickhouse not reachable yet; inserts will be retried', { url: safeUrl(config.clickhouseUrl), database: config.clickhouseDatabase });
    }

    const schemaRegistry = createRegistryClient(config);
    const alertCodec = await AvroTopicCodec.lookup(schemaRegistry, loadTopicSchema('fraud-alerts'), { logger });
    const victimCodec = await AvroTopicCodec.lookup(schemaRegistry, loadTopicSchema('victim-exposures'), { logger });

    const kafka = createKafkaPort(config, logger);
    const producer = await kafka.createProducer();
    resources.push('dead-letter producer', () => producer.close());
    const deadLetters = new DeadLetterPublisher(producer, metrics.rejected, logger);

    const batcher = new SinkBatcher({
      store: alertStore,
      maxRows: config.batchMaxRows,
      maxBytes: config.batchMaxBytes,
      flushIntervalMs: config.flushIntervalMs,
      concurrentInserts: config.concurrentInserts,
      retryInitialMs: config.retryInitialMs,
      retryMaxMs: config.retryMaxMs,
      logger: logger.child({ component: 'batcher' }),
      observer: metrics.observer,
    });
    metrics.setHeldRowsSource(() => batcher.heldRows);

    const handle = createSinkBatchHandler({
      alertsTopic: config.alertTopic,
      victimsTopic: config.victimTopic,
      alerts: new TopicDecoder(alertCodec, validateAlert, toAlertRow),
      victims: new TopicDecoder(victimCodec, validateVictimExposure, toVictimRow),
      deadLetters,
      batcher,
      onBatch: (batch) => {
        metrics.consumed.inc({ topic: batch.topic }, batch.records.length);
        metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, batch.lag);
      },
      logger,
      scheduler: realScheduler,
      heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      retryInitialMs: config.retryInitialMs,
      retryMaxMs: config.retryMaxMs,
    });

    let stopping = false;
    let crashed: (error: Error) => void = () => undefined;
    const done = new Promise<void>((_resolve, reject) => {
      crashed = reject;
    });
    const consumer = kafka.createConsumer({
      groupId: config.groupId,
      topics: [config.alertTopic, config.victimTopic],
      fromBeginning: true,
      concurrentBatches: config.concurrentBatches,
      // The batcher commits, once the rows before the positions are stored.
      deferCommits: true,
      onAssignment: () => metrics.consumerLag.reset(),
      onCrash: (error) => {
        if (!stopping) crashed(error);
      },
    });
    batcher.commitTo(consumer);
    // Handlers under way: shutdown waits for them before the batcher's last flush and commit.
    const handling = new Set<Promise<void>>();
    const handler: BatchHandler = (batch, ctx) => {
      const run = handle(batch, ctx);
      const settled = run.catch(() => undefined);
      handling.add(settled);
      void settled.finally(() => handling.delete(settled));
      return run;
    };
    // Closed after the batcher's last commit (resources close in reverse order).
    resources.push('consumer', () => consumer.close());
    let batcherClosing: Promise<void> | undefined;
    const closeBatcher = (): Promise<void> => {
      batcherClosing ??= (async () => {
        try {
          consumer.pause([config.alertTopic, config.victimTopic]);
        } catch (err) {
          // Not running yet (start-up failed): nothing is fetched anyway.
          logger.debug('sink consumer not paused', { err });
        }
        await Promise.all([...handling]);
        await batcher.close();
      })();
      return batcherClosing;
    };
    resources.push('batcher', closeBatcher);

    // The second consumer (call events → origin_activity), its own group: joins while the sink's does.
    const activityStarting = config.activityEnabled
      ? startActivityWriter(config, {
          kafka, schemaRegistry, metricsRegistry: registry, logger,
          onCrash: (error) => {
            if (!stopping) crashed(error);
          },
        })
      : undefined;
    // If it fails to start it closes what it opened itself; the failure surfaces from Promise.all.
    activityStarting?.catch(() => undefined);
    resources.push('activity writer', async () => (await activityStarting?.catch(() => undefined))?.stop());
    const [, activity] = await Promise.all([consumer.run(handler), activityStarting]);
    if (activity) http.addReadinessCheck({ name: 'activity-consumer', check: () => activity.ready() });
    const groupOffsets = new ConsumerGroupOffsets({
      reader: await kafka.createOffsetsReader(), registry, intervalMs: CONSUMER_GROUP_OFFSETS_POLL_MS, logger,
      groups: [
        { groupId: config.groupId, topics: [config.alertTopic, config.victimTopic] },
        ...(config.activityEnabled ? [{ groupId: config.activityGroupId, topics: [config.activityTopic] }] : []),
      ],
    });
    groupOffsets.start();
    resources.push('group offsets', () => groupOffsets.close());
    http.setReady(true);

    const stop = stopOnce(async () => {
      stopping = true;
      http.setReady(false);
      let abandoned = false;
      const deadline = setTimeout(() => {
        abandoned = true;
        batcher.abort('shutdown deadline near: unstored rows abandoned, their offsets stay uncommitted');
        activity?.abort();
      }, Math.floor(config.shutdownTimeoutMs * 0.75));
      // Started at once, beside the activity writer's close; awaited again in order by closeAll.
      closeBatcher().catch(() => undefined);
      try {
        await resources.closeAll();
      } finally {
        clearTimeout(deadline);
      }
      if (abandoned) throw new PipelineError('SHUTDOWN_TIMEOUT', 'rows were still unstored at the shutdown deadline; they will be consumed again');
    });
    return { stop, done, httpPort: http.port };
  } catch (err) {
    await resources.closeAll();
    throw err;
  }
}
