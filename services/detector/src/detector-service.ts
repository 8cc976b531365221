import {
  AvroTopicCodec, DeadLetterPublisher, ResourceStack, ServiceHttpServer,
  createKafkaPort, createMetricsRegistry, createRegistryClient, loadTopicSchema,
  type Logger, type ServiceHandle,
} from '@telfraud/common';
import { CONSUMER_GROUP_OFFSETS_POLL_MS, ConsumerGroupOffsets } from '@telfraud/common';
import { hostname } from 'node:os';
import { DetectionEngine, type Alert, type VictimExposure } from '@telfraud/core';
import type { DetectorConfig } from './config.js';
import { randomHashSeed } from './adapters/hash-seed.js';
import { createDetectorMetrics } from './adapters/detector-metrics.js';
import { DetectionPipeline } from './pipeline/detection-pipeline.js';
import { KeyedRouter } from './keyed/keyed-router.js';
import { loadReferenceDir } from './adapters/reference-loader.js';
import { loadRulePackFile } from './adapters/rule-pack-loader.js';
import { PartitionLifecycle } from './partitions/partition-lifecycle.js';
import { rewindWindowMs } from './partitions/partition-rewind.js';
import { RulePackWatcher } from './adapters/rule-pack-watcher.js';

/**
 * Builds and starts the detector: rule pack and engine, HTTP face (metrics, health), codecs,
 * the partitions' lifecycle (progress, which holds the watermark back, and the rewind that rebuilds
 * window state on assignment), the detection consumer and, with keyed routing, the router and the private
 * alerts reader. `stop()`: readiness off, then everything closes in reverse order (routing first,
 * so detection finishes what was routed).
 */
export async function startDetector(config: DetectorConfig, logger: Logger): Promise<ServiceHandle> {
  const resources = new ResourceStack(logger);
  const engine = new DetectionEngine(loadRulePackFile(config.rulesFile, (notice) => logger.warn('rule pack uses a deprecated spelling', { notice })), loadReferenceDir(config.referenceDir), { hashSeed: randomHashSeed() });
  logger.info('rule pack loaded', { name: engine.rulePack.name, rules: engine.rulePack.rules.map((r) => r.id) });

  const registry = createMetricsRegistry('detector');
  const metrics = createDetectorMetrics(registry, () => engine);
  const http = await ServiceHttpServer.start({ host: config.httpHost, port: config.httpPort, metrics: registry, logger });
  resources.push('http', () => http.close());

  const schemas = createRegistryClient(config);
  const smsTopic = config.smsTopic === 'none' ? undefined : config.smsTopic;
  // Registration is a deployment step (infra/scripts/register-schemas.sh): the detector looks its
  // schemas up, and needs the ids of the two it writes.
  const [callCodec, smsCodec, alertCodec, victimCodec] = await Promise.all([
    AvroTopicCodec.lookup<unknown>(schemas, loadTopicSchema('call-events'), { logger }),
    smsTopic ? AvroTopicCodec.lookup<unknown>(schemas, loadTopicSchema('sms-events'), { logger }) : Promise.resolve(undefined),
    AvroTopicCodec.lookup<Alert>(schemas, loadTopicSchema('fraud-alerts'), { logger, required: true }),
    AvroTopicCodec.lookup<VictimExposure>(schemas, loadTopicSchema('victim-exposures'), { logger, required: true }),
  ]);

  const kafka = createKafkaPort(config, logger);
  const producer = await kafka.createProducer();
  resources.push('producer', () => producer.close());
  const keyedTopic = config.routing === 'keyed' ? config.keyedTopic : undefined;
  const deadLetters = new DeadLetterPublisher(producer, metrics.rejected, logger);
  // Progress is polled from now on; the consumer it rewinds and the pipeline whose quiet tail it
  // releases are attached below, before the consumer runs.
  const progressReader = await kafka.createOffsetsReader();
  const rewindReader = await kafka.createOffsetsReader();
  resources.push('rewind offsets reader', () => rewindReader.close());
  const partitions = new PartitionLifecycle({
    progress: {
      reader: progressReader,
      groupId: config.groupId,
      topics: { calls: config.callTopic, sms: smsTopic, keyed: keyedTopic },
      ...(keyedTopic ? { routerGroupId: `${config.groupId}-router` } : {}),
      engine: () => engine,
      fromBeginning: config.fromBeginning,
      intervalMs: config.progressPollMs,
      idleMs: config.partitionIdleMs,
      logger,
    },
    rewind: {
      reader: rewindReader,
      groupId: config.groupId,
      rewindMs: () => config.rewindMs ?? rewindWindowMs(engine.rulePack),
      logger,
    },
  });
  partitions.start();
  resources.push('partition progress', () => partitions.close());
  logger.info('window state is rebuilt on partition assignment by rewinding', {
    rewindMs: config.rewindMs ?? rewindWindowMs(engine.rulePack), from: config.rewindMs === undefined ? 'rule pack' : 'DETECTOR_REWIND_MS',
  });

  if (config.rulesFile) {
    const watcher = new RulePackWatcher(
      config.rulesFile, config.rulesPollMs, (pack) => engine.replaceRulePack(pack),
      (result) => metrics.ruleReloads.inc({ result }), logger,
    );
    watcher.start();
    resources.push('rule watcher', () => watcher.close());
  }

  let crashed: (err: Error) => void = () => {};
  const done = new Promise<void>((_resolve, reject) => (crashed = reject));
  const eventTopics = smsTopic ? [config.callTopic, smsTopic] : [config.callTopic];
  const groupOffsets = new ConsumerGroupOffsets({
    reader: await kafka.createOffsetsReader(), registry, intervalMs: CONSUMER_GROUP_OFFSETS_POLL_MS, logger,
    groups: keyedTopic
      ? [{ groupId: `${config.groupId}-router`, topics: eventTopics }, { groupId: config.groupId, topics: [keyedTopic] }]
      : [{ groupId: config.groupId, topics: eventTopics }],
  });
  groupOffsets.start();
  resources.push('group offsets', () => groupOffsets.close());
  const consumer = kafka.createConsumer({
    groupId: config.groupId,
    topics: keyedTopic ? [keyedTopic] : eventTopics,
    fromBeginning: config.fromBeginning,
    maxBytesPerPartition: config.maxBytesPerPartition,
    // Assignments come only once the consumer runs, after the partitions' targets are attached.
    onAssignment: (assignment) => {
      partitions.onAssignment(assignment);
      http.setReady(true);
    },
    onCrash: (err) => crashed(err),
  });
  resources.push('consumer', () => consumer.close());
  const pipeline = new DetectionPipeline({
    engine: () => engine,
    callDecoder: callCodec,
    smsDecoder: smsCodec,
    alertEncoder: alertCodec,
    victimEncoder: victimCodec,
    producer,
    alertDecoder: alertCodec,
    deadLetters,
    metrics,
    logger,
    topics: { calls: config.callTopic, sms: smsTopic, alerts: config.alertTopic, victims: config.victimTopic, keyed: keyedTopic },
    now: Date.now,
    maxFutureSkewMs: config.maxFutureSkewMs,
    onBatchProcessed: (topic, partition, offset) => partitions.onBatchProcessed(topic, partition, offset),
    replayBelow: (topic, partition) => partitions.replayBelow(topic, partition),
  });
  partitions.attach({ seek: (topic, partition, offset) => consumer.seek(topic, partition, offset), releaseQuietTail: () => pipeline.releaseQuietTail() });

  const runs = [consumer.run(async (batch) => {
    if (await partitions.rewound(batch)) return;
    await pipeline.handleBatch(batch);
  })];

  if (keyedTopic) {
    // Alerts from every instance flag origins for this instance's OTP correlation: read from the
    // start by a private, never-committing reader, since the flags are state, not work to share.
    const instanceId = config.instanceId ?? `${hostname()}-${process.pid}`;
    const flags = kafka.createConsumer({
      groupId: `${config.groupId}-flags-${instanceId}`, topics: [config.alertTopic], fromBeginning: true, autoCommit: false, onCrash: (err) => crashed(err),
    });
    resources.push('alerts reader', () => flags.close());
    runs.push(flags.run((batch) => pipeline.handleRemoteAlerts(batch)));
    const router = new KeyedRouter({
      rulePack: () => engine.rulePack, callDecoder: callCodec, smsDecoder: smsCodec, producer, deadLetters, metrics, logger,
      topics: { calls: config.callTopic, sms: smsTopic, keyed: keyedTopic },
    });
    const routing = kafka.createConsumer({
      groupId: `${config.groupId}-router`, topics: eventTopics, fromBeginning: config.fromBeginning,
      maxBytesPerPartition: config.maxBytesPerPartition, onCrash: (err) => crashed(err),
    });
    // Closed first on shutdown: routing stops, then detection finishes what was routed.
    resources.push('router', () => routing.close());
    runs.push(routing.run((batch) => router.handleBatch(batch)));
    logger.info('keyed routing', { keyedTopic, routerGroup: `${config.groupId}-router`, instanceId });
  }
  await Promise.all(runs);
  http.setReady(true);
  return {
    stop: async () => {
      http.setReady(false);
      await resources.closeAll();
    },
    done,
  };
}
