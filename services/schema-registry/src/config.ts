import { defineConfig, kafkaSettings, loadConfig, serviceSettings, type ConfigOf } from '@telfraud/common';

/** The schema registry's whole configuration, validated at start-up before any socket opens. */
export const registryConfig = defineConfig({
  ...kafkaSettings,
  ...serviceSettings,
  port: { env: 'SCHEMA_REGISTRY_PORT', type: 'int', min: 0, max: 65535, default: 8081, doc: 'Port of the registry API, /metrics, /healthz and /readyz (0: any free port)' },
  topic: { env: 'SCHEMA_REGISTRY_TOPIC', type: 'string', default: '_schemas', doc: 'Kafka topic holding the registry\'s state (1 partition, created beforehand)' },
  maxBodyBytes: { env: 'SCHEMA_REGISTRY_MAX_BODY_BYTES', type: 'int', min: 1024, max: 16_777_216, default: 1_048_576, doc: 'Largest request body accepted; larger ones get 413' },
  writeTimeoutMs: {
    env: 'SCHEMA_REGISTRY_WRITE_TIMEOUT_MS', type: 'int', min: 100, default: 10_000,
    doc: 'How long a write waits to read its own record back from the topic before failing',
  },
  usersFile: {
    env: 'SCHEMA_REGISTRY_USERS_FILE', type: 'string', optional: true,
    doc: 'File of users for HTTP basic auth, one `name:password` or `name:password:readonly` per line; when set, every API request needs one of them (/healthz, /readyz and /metrics stay open)',
  },
  readOnly: {
    env: 'SCHEMA_REGISTRY_READ_ONLY', type: 'bool', default: false,
    doc: 'Read-only mode: registrations, deletions and compatibility changes answer 422 (error code 42205) as Confluent\'s READONLY mode does; reads and lookups work',
  },
  startupTimeoutMs: {
    env: 'SCHEMA_REGISTRY_STARTUP_TIMEOUT_MS', type: 'int', min: 100, default: 60_000,
    doc: 'How long start-up may take to read the topic to its end before the service gives up',
  },
});

export type RegistryConfig = ConfigOf<typeof registryConfig>;

export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  return loadConfig('schema-registry', registryConfig, env);
}
