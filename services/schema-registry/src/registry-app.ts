import {
  createKafkaPort,
  createMetricsRegistry,
  ResourceStack,
  ServiceHttpServer,
  type KafkaPort,
  type Logger,
  type ServiceHandle,
} from '@telfraud/common';
import type { RegistryConfig } from './config.js';
import { KafkaSchemaLog } from './kafka-schema-log.js';
import { loadRegistryAccess } from './registry-access.js';
import { registryHttpRoutes } from './registry-http.js';
import { createRegistryMetrics } from './registry-metrics.js';
import { registryRoutes } from './registry-routes.js';
import { RegistryWriter } from './registry-writer.js';
import { SchemaStore } from './schema-store.js';

export interface RegistryHandle extends ServiceHandle {
  /** The port the API listens on (useful with SCHEMA_REGISTRY_PORT=0). */
  port: number;
}

/**
 * Connects the schemas topic's producer, starts the HTTP API not ready (so /healthz answers during
 * start-up), replays the topic into the store with a tailing reader and only then turns ready. Stop: readiness off, finish in-flight writes,
 * close HTTP, close the reader and producer.
 */
export async function startSchemaRegistry(config: RegistryConfig, logger: Logger, kafka?: KafkaPort): Promise<RegistryHandle> {
  const access = loadRegistryAccess(config);
  const resources = new ResourceStack(logger);
  try {
    const metricsRegistry = createMetricsRegistry('schema-registry');
    const store = new SchemaStore();
    const metrics = createRegistryMetrics(metricsRegistry, store);
    const log = await KafkaSchemaLog.open({
      kafka: kafka ?? createKafkaPort(config, logger),
      topic: config.topic,
      groupIdPrefix: `${config.kafkaClientId}-schema-registry`,
      store,
      logger,
      metrics,
      catchUpTimeoutMs: config.writeTimeoutMs,
    });
    resources.push('schema log', () => log.close());
    const writer = new RegistryWriter(store, log);
    let ready = false;
    const http = await ServiceHttpServer.start({
      host: config.httpHost,
      port: config.port,
      metrics: metricsRegistry,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      routes: registryHttpRoutes({ table: registryRoutes(store, writer, access.readOnly), metrics, logger, isReady: () => ready, access }),
    });
    resources.push('http server', () => http.close());
    resources.push('registry writer', () => writer.close());

    const started = Date.now();
    await log.startReading();
    await log.catchUp(config.startupTimeoutMs);
    ready = true;
    http.setReady(true);
    logger.info('schemas topic replayed', {
      topic: config.topic, schemas: store.schemaCount(), subjects: store.subjectNames().length, ms: Date.now() - started,
      readOnly: access.readOnly, users: access.users?.size ?? 0,
    });

    return {
      port: http.port,
      done: log.done,
      stop: async () => {
        ready = false;
        http.setReady(false);
        await resources.closeAll();
      },
    };
  } catch (err) {
    await resources.closeAll();
    throw err;
  }
}
