#!/usr/bin/env node
/**
 * The deployment's topic job: creates every topic of `infra/kafka/topics.txt` (except `local-only`
 * ones) with its partitions and configs, over the same TLS/SASL settings as the services. Safe to
 * run again: existing topics are compared, never altered. Exit 0 when every topic is as listed or
 * only configs differ (reported), 1 when a topic has fewer partitions than listed or Kafka fails,
 * 2 on bad settings.
 */
import { readFileSync } from 'node:fs';
import kafkajs, { Kafka, logLevel } from 'kafkajs';
import { ConfigError, loadConfig } from '../config.js';
import { resolveKafkaSecurity } from '../kafka/kafka-security.js';
import { createLogger } from '../logger.js';
import { exitOnServiceArgs } from '../service-args.js';
import { createTopicsSettings } from './provision-settings.js';
import { parseTopicList } from './topic-list.js';
import { planTopics, type ExistingTopic } from './topic-plan.js';

// Not a named export node can see in the CommonJS module.
const { ConfigResourceTypes } = kafkajs;

async function main(): Promise<number> {
  exitOnServiceArgs('create-topics', createTopicsSettings, process.argv.slice(2), 'Creates the topics of the topic list that do not exist yet, then exits.');
  const logger = createLogger({ base: { job: 'create-topics' } });
  let config;
  let security;
  try {
    config = loadConfig('create-topics', createTopicsSettings);
    security = resolveKafkaSecurity(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`create-topics: ${err.message}\n`);
    return 2;
  }
  const topics = parseTopicList(readFileSync(config.topicsFile, 'utf8'), config.topicsFile);
  const kafka = new Kafka({
    clientId: `${config.kafkaClientId}-create-topics`,
    brokers: config.kafkaBrokers,
    ssl: security.ssl,
    ...(security.sasl ? { sasl: security.sasl } : {}),
    retry: { retries: 10, initialRetryTime: 500, maxRetryTime: 10_000 },
    logLevel: logLevel.WARN,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = new Set(await admin.listTopics());
    const listed = topics.filter((t) => !t.localOnly && names.has(t.name));
    const existing = new Map<string, ExistingTopic>();
    if (listed.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: listed.map((t) => t.name) });
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: listed.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.name, configNames: Object.keys(t.configs) })),
      });
      for (const t of metadata.topics) existing.set(t.name, { partitions: t.partitions.length, configs: {} });
      for (const r of described.resources) {
        const entry = existing.get(r.resourceName);
        if (entry) for (const c of r.configEntries) entry.configs[c.configName] = c.configValue;
      }
    }
    const plan = planTopics(topics, existing);
    if (plan.create.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: plan.create.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: config.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    for (const t of plan.create) logger.info('topic created', { topic: t.name, partitions: t.partitions, configs: t.configs });
    for (const name of plan.unchanged) logger.info('topic already as listed', { topic: name });
    for (const d of plan.configDrift) logger.warn('topic config differs from the list; left as it is', { topic: d.name, key: d.key, has: d.has ?? null, listed: d.wanted });
    for (const p of plan.tooFewPartitions) {
      logger.error('topic has fewer partitions than listed: add them deliberately (keys move to other partitions)', { topic: p.name, has: p.has, listed: p.wanted });
    }
    return plan.tooFewPartitions.length > 0 ? 1 : 0;
  } finally {
    await admin.disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`create-topics: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
