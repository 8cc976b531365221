#!/usr/bin/env node
/**
 * The deployment's schema job: registers every value schema of `schemas/topics.json` under its
 * subject with BACKWARD compatibility, as a user allowed to write the registry. The services then
 * only need to look their schemas up. Safe to run again (the registry returns the same id for the
 * same schema). Exit 0 when all are registered, 1 when the registry refuses one (incompatible) or
 * does not answer within REGISTER_TIMEOUT_MS, 2 on bad settings.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createRegistryClient } from '../avro/avro-codec.js';
import { loadTopicSchema } from '../avro/schema-files.js';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { registerSchemasSettings } from './provision-settings.js';

async function main(): Promise<number> {
  const logger = createLogger({ base: { job: 'register-schemas' } });
  let config;
  try {
    config = loadConfig('register-schemas', registerSchemasSettings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`register-schemas: ${err.message}\n`);
    return 2;
  }
  const registry = createRegistryClient(config);
  const topics = Object.keys(JSON.parse(readFileSync(path.join(config.schemasDir, 'topics.json'), 'utf8')) as Record<string, unknown>);
  const deadline = Date.now() + config.registerTimeoutMs;
  for (const topic of topics) {
    const schema = loadTopicSchema(topic, config.schemasDir);
    let delay = 500;
    for (;;) {
      try {
        const { id } = await registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schema.schema) },
          { subject: schema.subject, compatibility: COMPATIBILITY.BACKWARD },
        );
        logger.info('schema registered', { topic, subject: schema.subject, schemaId: id });
        break;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // A refusal is an answer: an incompatible schema or a user not allowed to write.
        if (/incompatible|409|401|403|unauthori[sz]ed|forbidden/i.test(message)) {
          logger.error('the registry refused the schema', { topic, subject: schema.subject, err: message });
          return 1;
        }
        if (Date.now() + delay > deadline) {
          logger.error('the registry did not answer in time', { subject: schema.subject, err: message, timeoutMs: config.registerTimeoutMs });
          return 1;
        }
        logger.warn('registry not ready, retrying', { subject: schema.subject, err: message, retryInMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`register-schemas: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
