import { defineConfig } from './config.js';

/** Settings every Kafka-speaking service shares; services spread these into their own declaration. */
export const kafkaSettings = defineConfig({
  kafkaBrokers: { env: 'KAFKA_BROKERS', type: 'list', minItems: 1, doc: 'Kafka bootstrap servers, comma-separated host:port' },
  kafkaClientId: { env: 'KAFKA_CLIENT_ID', type: 'string', default: 'telfraud', doc: 'Kafka client id prefix' },
  kafkaSsl: { env: 'KAFKA_SSL', type: 'bool', default: false, doc: 'Use TLS to reach the brokers (the server certificate is always verified)' },
  kafkaSslCaFile: { env: 'KAFKA_SSL_CA_FILE', type: 'string', optional: true, doc: 'TLS: PEM file of the CA(s) that signed the brokers\' certificates; the system\'s CAs when unset. Needs `KAFKA_SSL=true`' },
  kafkaSslCertFile: { env: 'KAFKA_SSL_CERT_FILE', type: 'string', optional: true, doc: 'TLS client authentication: PEM certificate file (with `KAFKA_SSL_KEY_FILE`)' },
  kafkaSslKeyFile: { env: 'KAFKA_SSL_KEY_FILE', type: 'string', optional: true, doc: 'TLS client authentication: PEM private key file (with `KAFKA_SSL_CERT_FILE`)' },
  kafkaSslKeyPassword: { env: 'KAFKA_SSL_KEY_PASSWORD', type: 'string', optional: true, secret: true, doc: 'TLS client authentication: passphrase of an encrypted private key' },
  kafkaSaslMechanism: { env: 'KAFKA_SASL_MECHANISM', type: 'enum', values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'], default: 'none', doc: 'SASL mechanism (`plain` only over TLS outside a trusted network)' },
  kafkaSaslUsername: { env: 'KAFKA_SASL_USERNAME', type: 'string', optional: true, doc: 'SASL user name (required with a mechanism)' },
  kafkaSaslPassword: { env: 'KAFKA_SASL_PASSWORD', type: 'string', optional: true, secret: true, doc: 'SASL password (or `KAFKA_SASL_PASSWORD_FILE`, not both)' },
  kafkaSaslPasswordFile: { env: 'KAFKA_SASL_PASSWORD_FILE', type: 'string', optional: true, doc: 'File holding the SASL password (a mounted secret); one trailing newline is ignored' },
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

/** What every service on Kafka with Avro declares first: the broker, the schema registry, the service's own. */
export const kafkaServiceSettings = defineConfig({
  ...kafkaSettings,
  ...registrySettings,
  ...serviceSettings,
});
