import { defineConfig } from './config.js';

/** Settings every Kafka-speaking service shares; services spread these into their own declaration. */
export const kafkaSettings = defineConfig({
  kafkaBrokers: { env: 'KAFKA_BROKERS', type: 'list', minItems: 1, doc: 'Kafka bootstrap servers, comma-separated host:port' },
  kafkaClientId: { env: 'KAFKA_CLIENT_ID', type: 'string', default: 'telfraud', doc: 'Kafka client id prefix' },
  kafkaSsl: { env: 'KAFKA_SSL', type: 'bool', default: false, doc: 'Use TLS to reach the brokers' },
  kafkaSaslMechanism: { env: 'KAFKA_SASL_MECHANISM', type: 'enum', values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'], default: 'none', doc: 'SASL mechanism' },
  kafkaSaslUsername: { env: 'KAFKA_SASL_USERNAME', type: 'string', optional: true, doc: 'SASL user name' },
  kafkaSaslPassword: { env: 'KAFKA_SASL_PASSWORD', type: 'string', optional: true, secret: true, doc: 'SASL password' },
  kafkaAssignerDelayMs: {
    env: 'KAFKA_ASSIGNER_DELAY_MS', type: 'int', min: 0, max: 10000, default: 0,
    doc: 'Local mock broker only: delay the group leader\'s assignment so followers sync first (see platform notes). Leave 0 on real Kafka',
  },
  kafkaClient: {
    env: 'KAFKA_CLIENT', type: 'enum', values: ['kafkajs', 'confluent'], default: 'kafkajs',
    doc: 'Consumer client: kafkajs, or confluent (@confluentinc/kafka-javascript on librdkafka; not a dependency: install it yourself, see Benchmarks)',
  },
  kafkaFetchMaxWaitMs: {
    env: 'KAFKA_FETCH_MAX_WAIT_MS', type: 'int', min: 1, max: 10000, default: 100,
    doc: 'Longest a consumer\'s fetch waits at the broker for records to arrive. Real brokers answer as soon as records arrive; the local mock broker holds an empty fetch for the whole wait, records produced meanwhile included, so the local stack sets 20',
  },
});

export const registrySettings = defineConfig({
  schemaRegistryUrl: { env: 'SCHEMA_REGISTRY_URL', type: 'url', default: 'http://127.0.0.1:8081', doc: 'Confluent-compatible Schema Registry URL' },
  schemaRegistryUsername: { env: 'SCHEMA_REGISTRY_USERNAME', type: 'string', optional: true, doc: 'Registry basic-auth user' },
  schemaRegistryPassword: { env: 'SCHEMA_REGISTRY_PASSWORD', type: 'string', optional: true, secret: true, doc: 'Registry basic-auth password' },
});

export const serviceSettings = defineConfig({
  logLevel: { env: 'LOG_LEVEL', type: 'enum', values: ['debug', 'info', 'warn', 'error'], default: 'info', doc: 'Log level' },
  httpHost: { env: 'HTTP_HOST', type: 'string', default: '127.0.0.1', doc: 'Address of the health/metrics HTTP server' },
  shutdownTimeoutMs: { env: 'SHUTDOWN_TIMEOUT_MS', type: 'int', min: 100, default: 15000, doc: 'Graceful shutdown deadline' },
});
