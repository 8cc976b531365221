#!/usr/bin/env node
/**
 * The deployment's schema job (the image's `register-schemas`, `infra/scripts/register-schemas.sh`):
 * registers every value schema of `schemas/topics.json` under its subject with BACKWARD
 * compatibility, as a user allowed to write, so the services only look their schemas up.
 */
import { parseArgs } from 'node:util';
import { ConfigError, createRegistryClient, loadConfig, loadTopicSchemas, registrySettings, retry, SCHEMAS_DIR } from '@telfraud/common';
import { readDuration } from '@telfraud/core';
import { refusedByRegistry as refused, registerSchemas } from './register-schemas.js';

const USAGE = `usage: register-schemas [--schemas-dir DIR] [--wait DURATION] [--check]

Registers every schema of schemas/topics.json under its subject (BACKWARD compatibility), the
deployment step that lets the services only look their schemas up. Idempotent.
  --schemas-dir DIR   the folder holding topics.json and the .avsc files (default: the repository's schemas/)
  --wait DURATION     how long to keep retrying while the registry does not answer (default 2m)
  --check             register nothing: look each schema up, exit 1 if any is not registered
The registry and its credentials come from the environment, never the command line:
  SCHEMA_REGISTRY_URL (default http://127.0.0.1:8081),
  SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD  (HTTP basic auth; unset: none)
Exit: 0 done, 1 a schema missing (--check), refused, or the registry not answering in time, 2 bad arguments or settings.`;

function fail(message: string, code: number): never {
  process.stderr.write(`register-schemas: ${message}\n`);
  process.exit(code);
}

let values: { 'schemas-dir'?: string; wait?: string; check?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      'schemas-dir': { type: 'string' },
      wait: { type: 'string', default: '2m' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }));
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
// A new flag: a duration with its unit only (a bare number is the deprecated spelling).
const wait = readDuration(values.wait, 'ms');
if (wait === undefined || wait.bare) fail(`--wait must be a duration with its unit such as "90s" or "2m", got '${values.wait ?? ''}'`, 2);
const waitMs = wait.ms;

let config;
try {
  config = loadConfig('register-schemas', registrySettings);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  fail(err.message, 2);
}
const registry = createRegistryClient(config);
const schemas = loadTopicSchemas(values['schemas-dir'] ?? SCHEMAS_DIR);

try {
  const outcomes = await retry(() => registerSchemas(registry, schemas, values.check === true), {
    backoff: { initialMs: 500, maxMs: 5_000 },
    retryable: (err) => !refused(err),
    deadline: { at: Date.now() + waitMs },
    onRetry: (err, _attempt, delayMs) => process.stderr.write(`register-schemas: the registry does not answer (${err instanceof Error ? err.message : String(err)}), retrying in ${delayMs} ms\n`),
  });
  for (const o of outcomes) process.stdout.write(`${o.outcome}\t${o.subject}\t${o.id ?? '-'}\t(topic ${o.topic})\n`);
  if (outcomes.some((o) => o.outcome === 'missing')) fail('some schemas are not registered (run without --check to register them)', 1);
} catch (err) {
  fail(`the registry at ${config.schemaRegistryUrl} ${refused(err) ? 'refused' : 'did not answer in time'}: ${err instanceof Error ? err.message : String(err)}`, 1);
}
