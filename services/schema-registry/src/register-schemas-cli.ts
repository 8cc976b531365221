import { parseArgs } from 'node:util';
import { createRegistryClient, loadTopicSchemas, SCHEMAS_DIR } from '@telfraud/common';
import { registerSchemas } from './register-schemas.js';

const USAGE = `usage: register-schemas [--registry-url URL] [--schemas-dir DIR] [--check]

Registers every schema of schemas/topics.json under its subject (BACKWARD compatibility), the
deployment step that lets the services only look their schemas up. Idempotent.
  --registry-url URL  the Schema Registry (default: $SCHEMA_REGISTRY_URL, else http://127.0.0.1:8081)
  --schemas-dir DIR   the folder holding topics.json and the .avsc files (default: the repository's schemas/)
  --check             register nothing: look each schema up, exit 1 if any is not registered
Credentials come from the environment, never the command line:
  SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD  (HTTP basic auth; unset: none)
Exit: 0 done, 1 a schema missing (--check) or refused, 2 bad arguments.`;

function fail(message: string, code: number): never {
  process.stderr.write(`register-schemas: ${message}\n`);
  process.exit(code);
}

let values: { 'registry-url'?: string; 'schemas-dir'?: string; check?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      'registry-url': { type: 'string' },
      'schemas-dir': { type: 'string' },
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

const url = values['registry-url'] ?? process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:8081';
if (!/^https?:\/\/[^/]/.test(url)) fail(`--registry-url must be an http(s) URL, got '${url}'`, 2);
const username = process.env['SCHEMA_REGISTRY_USERNAME'] || undefined;
const registry = createRegistryClient({ schemaRegistryUrl: url, schemaRegistryUsername: username, schemaRegistryPassword: process.env['SCHEMA_REGISTRY_PASSWORD'] });

try {
  const outcomes = await registerSchemas(registry, loadTopicSchemas(values['schemas-dir'] ?? SCHEMAS_DIR), values.check === true);
  for (const o of outcomes) process.stdout.write(`${o.outcome}\t${o.subject}\t${o.id ?? '-'}\t(topic ${o.topic})\n`);
  if (outcomes.some((o) => o.outcome === 'missing')) fail('some schemas are not registered (run without --check to register them)', 1);
} catch (err) {
  fail(`the registry at ${url} refused: ${err instanceof Error ? err.message : String(err)}`, 1);
}
