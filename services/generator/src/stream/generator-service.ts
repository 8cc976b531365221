import type { CallEvent, SmsEvent } from '@telfraud/core';
import {
  AvroTopicCodec, ResourceStack, ServiceHttpServer, createKafkaPort, createMetricsRegistry, createRegistryClient,
  loadTopicSchema, type Logger, type ServiceHandle, type TopicSchema,
} from '@telfraud/common';
import type { GeneratorConfig } from '../config.js';
import { buildSimulation, type SimulationOptions } from '../simulation/build-simulation.js';
import { DeliveryCounters, labelsDocument } from '../simulation/labels-document.js';
import { GeneratorMetrics } from './generator-metrics.js';
import { KafkaEmissionSink } from './kafka-sink.js';
import { writeLabelsFile } from './labels-file.js';
import { RealtimePump } from './realtime-pump.js';

const LABELS_EVERY_MS = 10_000;

/** The topic's schema from schemas/, registered under the configured topic's own subject. */
function schemaFor(contractTopic: string, topic: string): TopicSchema {
  return { ...loadTopicSchema(contractTopic), topic, subject: `${topic}-value` };
}

/**
 * Starts the streaming generator: HTTP first (so /healthz answers during start-up), then schemas and
 * producer, then the pump. Everything opened is closed in reverse order on stop.
 */
export async function startGeneratorService(config: GeneratorConfig, logger: Logger): Promise<ServiceHandle> {
  const resources = new ResourceStack(logger);
  try {
    const registry = createMetricsRegistry('generator');
    const http = await ServiceHttpServer.start({ host: config.httpHost, port: config.httpPort, metrics: registry, logger });
    resources.push('http server', () => http.close());

    const schemaRegistry = createRegistryClient(config);
    const callCodec = await AvroTopicCodec.create<CallEvent>(schemaRegistry, schemaFor('call-events', config.callTopic), { logger });
    const smsCodec = await AvroTopicCodec.create<SmsEvent>(schemaRegistry, schemaFor('sms-events', config.smsTopic), { logger });
    const producer = await createKafkaPort(config, logger).createProducer();
    resources.push('kafka producer', () => producer.close());

    // Wall-clock seconds are turned into simulated time, so a sped-up run keeps the same shape.
    const scale = config.timeScale;
    const simulation: SimulationOptions = {
      seed: config.seed,
      startTs: Date.now(),
      horizonMs: config.durationS > 0 ? config.durationS * 1_000 * scale : Number.POSITIVE_INFINITY,
      campaignStartMs: config.campaignStartS * 1_000 * scale,
      backgroundRate: config.rate,
      scenarios: config.scenarioList,
      params: config.params,
      delivery: { lateShare: config.lateShare, duplicateShare: config.duplicateShare },
    };
    const { engine, labels } = buildSimulation(simulation);
    const counters = new DeliveryCounters();
    const metrics = new GeneratorMetrics(registry, engine.scenarios, labels);

    const saveLabels = async (): Promise<void> => {
      if (!config.labelsFile) return;
      try {
        await writeLabelsFile(config.labelsFile, labelsDocument(simulation, counters, labels.labels()));
      } catch (err) {
        logger.warn('labels file not written', { file: config.labelsFile, err });
      }
    };
    const labelTimer = setInterval(() => void saveLabels(), LABELS_EVERY_MS);
    labelTimer.unref();
    resources.push('labels file', async () => {
      clearInterval(labelTimer);
      await saveLabels();
    });

    const pump = new RealtimePump({
      engine,
      sink: new KafkaEmissionSink({ producer, callCodec, smsCodec, callTopic: config.callTopic, smsTopic: config.smsTopic }),
      clock: { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) },
      simStartTs: simulation.startTs,
      timeScale: scale,
      horizonMs: simulation.horizonMs,
      batchIntervalMs: config.batchIntervalMs,
      maxBatch: config.maxBatch,
      onDelivered: (e) => {
        labels.observe(e);
        counters.observe(e);
        metrics.delivered(e);
      },
      onBatch: (r) => metrics.batch(r),
    });
    // Closed first on shutdown: stop producing and wait for the batch in flight before the producer goes.
    resources.push('pump', () => pump.stop());
    http.addReadinessCheck({ name: 'producing', check: () => pump.status === 'RUNNING' });
    http.setReady(true);
    logger.info('generating', {
      seed: config.seed, rate: config.rate, scenarios: config.scenarioList, timeScale: scale,
      durationS: config.durationS, campaignStartS: config.campaignStartS, callTopic: config.callTopic, smsTopic: config.smsTopic,
    });

    return {
      stop: async () => {
        http.setReady(false);
        await resources.closeAll();
        logger.info('generator stopped', { callEvents: counters.callEvents, smsEvents: counters.smsEvents });
      },
      done: pump.done,
    };
  } catch (err) {
    await resources.closeAll();
    throw err;
  }
}
