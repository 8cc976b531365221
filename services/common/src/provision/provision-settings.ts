import { defineConfig } from '../config.js';
import { kafkaSettings } from '../common-settings.js';
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
