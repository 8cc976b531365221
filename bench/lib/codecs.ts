import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { Alert, CallEvent } from '@telfraud/core';
import type { StackEnv } from './kafka.js';

export interface BenchCodecs {
  calls: AvroTopicCodec<CallEvent>;
  alerts: AvroTopicCodec<Alert>;
}

/** The services' own wire-format codecs (registry schema id + Avro), registered with the local registry. */
export async function benchCodecs(env: StackEnv): Promise<BenchCodecs> {
  const registry = createRegistryClient({
    schemaRegistryUrl: env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081',
    schemaRegistryUsername: undefined,
    schemaRegistryPassword: undefined,
  });
  const logger = createLogger({ level: 'warn', base: { service: 'bench' } });
  const [calls, alerts] = await Promise.all([
    AvroTopicCodec.create<CallEvent>(registry, loadTopicSchema('call-events'), { logger }),
    AvroTopicCodec.create<Alert>(registry, loadTopicSchema('fraud-alerts'), { logger }),
  ]);
  return { calls, alerts };
}
