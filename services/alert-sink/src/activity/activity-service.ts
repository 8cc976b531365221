import { AvroTopicCodec, loadTopicSchema, stopOnce, type createRegistryClient, type KafkaPort, type Logger } from '@telfraud/common';
import type { Registry } from 'prom-client';
import type { AlertSinkConfig } from '../config.js';
import { createActivityMetrics } from './activity-metrics.js';
import type { ActivityStore } from './activity-store.js';
import { ActivityWriter } from './activity-writer.js';
import { ClickHouseActivityStore } from './clickhouse-activity-store.js';

const HEARTBEAT_INTERVAL_MS = 1_000;

export interface ActivityWriterHandle {
  /** True while the consumer runs (joined, not crashed, not stopping). */
  ready(): boolean;
  ping(): Promise<boolean>;
  /** Pause fetching, finish the batch in hand, store and commit what is counted, leave the group. */
  stop(): Promise<void>;
  /** Shutdown deadline: give up on unstored counts (uncommitted, read again after a restart). */
  abort(): void;
}

export interface ActivityWriterDeps {
  kafka: KafkaPort;
  schemaRegistry: ReturnType<typeof createRegistryClient>;
  metricsRegistry: Registry;
  logger: Logger;
  /** The consumer crashed for good: the service should end (as it does when the sink's consumer crashes). */
  onCrash: (error: Error) => void;
  store?: ActivityStore;
}

/**
 * The alert-sink's second consumer: call events → per-minute activity per origin → `origin_activity`,
 * under its own group, committing offsets only after the counts they produced are stored.
 */
export async function startActivityWriter(config: AlertSinkConfig, deps: ActivityWriterDeps): Promise<ActivityWriterHandle> {
  const logger = deps.logger.child({ component: 'activity' });
  const metrics = createActivityMetrics(deps.metricsRegistry);
  const store = deps.store ?? ClickHouseActivityStore.create(config, logger);
  let consumer: ReturnType<KafkaPort['createConsumer']> | undefined;
  try {
    // As the detector does: the contract's call-event schema, whatever the topic is called.
    const codec = await AvroTopicCodec.lookup(deps.schemaRegistry, loadTopicSchema('call-events'), { logger });
    let running = false;
    let stopping = false;
    consumer = deps.kafka.createConsumer({
      groupId: config.activityGroupId,
      topics: [config.activityTopic],
      fromBeginning: true,
      deferCommits: true,
      onAssignment: () => metrics.consumerLag.reset(),
      onCrash: (error) => {
        running = false;
        if (!stopping) deps.onCrash(error);
      },
    });
    const writer = new ActivityWriter({
      fields: config.activityFields, decoder: codec, store, consumer,
      flushIntervalMs: config.activityFlushMs, maxRows: config.activityMaxRows,
      retryInitialMs: config.retryInitialMs, retryMaxMs: config.retryMaxMs, heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
      logger, metrics,
    });
    metrics.setHeldRowsSource(() => writer.heldRows);
    await consumer.run(writer.handle);
    writer.start();
    running = true;
    logger.info('activity writer started', { topic: config.activityTopic, groupId: config.activityGroupId, fields: config.activityFields, flushMs: config.activityFlushMs });

    const started = consumer;
    return {
      ready: () => running,
      ping: () => store.ping(),
      abort: () => writer.abort(),
      stop: stopOnce(async () => {
        stopping = true;
        running = false;
        started.pause([config.activityTopic]);
        try {
          await writer.idle();
          await writer.close();
        } finally {
          await started.close();
          await store.close();
        }
      }),
    };
  } catch (err) {
    await consumer?.close().catch(() => undefined);
    await store.close();
    throw err;
  }
}
