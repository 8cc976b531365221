import { defineConfig } from '../config.js';
import { kafkaSettings, registrySettings } from '../common-settings.js';
import { SCHEMAS_DIR } from '../avro/schema-files.js';
import { TOPICS_FILE } from './topic-list.js';

/** The topic job's settings (`telfraud create-topics`): the services' Kafka settings and two of its own. */
export const createTopicsSettings = defineConfig({
  ...kafkaSettings,
  topicsFile: { env: 'TOPICS_FILE', type: 'string', default: TOPICS_FILE, doc: 'The topic list (`name partitions [key=value ...] [local-only]` lines)' },
  replicationFactor: {
    env: 'TOPIC_REPLICATION_FACTOR', type: 'int', min: -1, max: 16, default: -1,
    doc: 'Replication factor of new topics; -1: the brokers\' default.replication.factor',
  },
});

/** The schema job's settings (`telfraud register-schemas`): the services' registry settings and two of its own. */
export const registerSchemasSettings = defineConfig({
  ...registrySettings,
  schemasDir: { env: 'SCHEMAS_DIR', type: 'string', default: SCHEMAS_DIR, doc: 'Folder of topics.json and the Avro schemas it names' },
  registerTimeoutMs: {
    env: 'REGISTER_TIMEOUT_MS', type: 'int', min: 1_000, max: 3_600_000, default: 120_000,
    doc: 'How long to keep retrying while the registry does not answer',
  },
});
