import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AvroTopicCodec, createLogger, createRegistryClient, loadTopicSchema, ServiceHttpServer } from '@telfraud/common';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryLog } from './in-memory-schema-log.js';
import { parseUsersFile, type RegistryAccess } from './registry-access.js';
import { REGISTRY_CONTENT_TYPE, registryHttpRoutes } from './registry-http.js';
import { createRegistryMetrics } from './registry-metrics.js';
import { registryRoutes } from './registry-routes.js';
import { RegistryWriter } from './registry-writer.js';
import { SchemaStore } from './schema-store.js';
import { refusedByRegistry, registerSchemas } from './register-schemas.js';

// Basic auth and read-only mode of the local registry, through the client the services use.
const callEvent = readFileSync(new URL('../../../schemas/call-event.avsc', import.meta.url), 'utf8');
const logger = createLogger({ level: 'error' });
const users = parseUsersFile('# deployer and services\ndeployer:s3cret:pass\nsoc-reader:r:eadonly:readonly\n', 'users');

interface Running { server: ServiceHttpServer; base: string }
const running: Running[] = [];

/** A registry over one shared in-memory store, with the given access rules. */
async function start(store: SchemaStore, writer: RegistryWriter, access: RegistryAccess): Promise<string> {
  const metrics = new Registry();
  const server = await ServiceHttpServer.start({
    host: '127.0.0.1', port: 0, metrics, logger,
    routes: registryHttpRoutes({
      table: registryRoutes(store, writer, access.readOnly), metrics: createRegistryMetrics(metrics, store),
      logger, isReady: () => true, access,
    }),
  });
  const base = `http://127.0.0.1:${server.port}`;
  running.push({ server, base });
  return base;
}

let authed: string;
let readOnly: string;
beforeAll(async () => {
  const store = new SchemaStore();
  const writer = new RegistryWriter(store, new InMemoryLog().connect(store));
  authed = await start(store, writer, { users, readOnly: false });
  readOnly = await start(store, writer, { users: undefined, readOnly: true });
});
afterAll(async () => {
  for (const r of running) await r.server.close();
});

async function call(
  base: string, method: string, path: string, auth?: string, body?: unknown,
): Promise<{ status: number; body: unknown; challenge: string | null }> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': REGISTRY_CONTENT_TYPE, ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, challenge: res.headers.get('www-authenticate') };
}

describe('users file', () => {
  it('reads name:password[:readonly] lines, a password may hold colons', () => {
    expect([...users]).toEqual([['deployer', { password: 's3cret:pass', readOnly: false }], ['soc-reader', { password: 'r:eadonly', readOnly: true }]]);
  });

  it('names the bad line without echoing it', () => {
    expect(() => parseUsersFile('ok:pw\nno-password\n', '/etc/users')).toThrow(/SCHEMA_REGISTRY_USERS_FILE.*\/etc\/users line 2/);
    expect(() => parseUsersFile('a:1\na:2\n', 'f')).toThrow(/user a listed once/);
  });
});

describe('registry basic auth', () => {
  it('rejects a request without credentials or with a wrong password: 401, Confluent body, a Basic challenge', async () => {
    for (const auth of [undefined, 'deployer:wrong', 'nobody:s3cret:pass', 'deployer']) {
      expect(await call(authed, 'GET', '/subjects', auth)).toEqual({ status: 401, body: { error_code: 401, message: 'Unauthorized' }, challenge: 'Basic realm="schema-registry"' });
    }
  });

  it('accepts a configured user through the services\' client: register, look up, decode', async () => {
    const client = createRegistryClient({ schemaRegistryUrl: authed, schemaRegistryUsername: 'deployer', schemaRegistryPassword: 's3cret:pass' });
    const { id } = await client.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: 'calls-value', compatibility: COMPATIBILITY.BACKWARD });
    expect(await client.getRegistryIdBySchema('calls-value', { type: SchemaType.AVRO, schema: callEvent })).toBe(id);
    const anonymous = new SchemaRegistry({ host: authed, retry: { retries: 0 } });
    await expect(anonymous.getRegistryIdBySchema('calls-value', { type: SchemaType.AVRO, schema: callEvent })).rejects.toMatchObject({ status: 401 });
  });

  it('lets a readonly user read and look up but not write (403, 40301)', async () => {
    expect((await call(authed, 'GET', '/subjects', 'soc-reader:r:eadonly')).status).toBe(200);
    expect((await call(authed, 'POST', '/subjects/calls-value', 'soc-reader:r:eadonly', { schema: callEvent })).status).toBe(200);
    const write = await call(authed, 'POST', '/subjects/other-value/versions', 'soc-reader:r:eadonly', { schema: callEvent });
    expect(write.status).toBe(403);
    expect(write.body).toEqual({ error_code: 40301, message: 'User soc-reader is denied operation Write on Subject: other-value' });
  });
});

describe('registry read-only mode', () => {
  it('rejects every write with 422 and error code 42205, as Confluent\'s READONLY mode, and says so on /mode', async () => {
    const writes: [string, string, unknown][] = [
      ['POST', '/subjects/calls-value/versions', { schema: callEvent }],
      ['DELETE', '/subjects/calls-value', undefined],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', '/config/calls-value', { compatibility: 'NONE' }],
    ];
    for (const [method, path, body] of writes) {
      const r = await call(readOnly, method, path, undefined, body);
      expect([r.status, (r.body as { error_code: number }).error_code], `${method} ${path}`).toEqual([422, 42205]);
    }
    expect((await call(readOnly, 'GET', '/mode')).body).toEqual({ mode: 'READONLY' });
    expect((await call(authed, 'GET', '/mode', 'deployer:s3cret:pass')).body).toEqual({ mode: 'READWRITE' });
    expect((await call(readOnly, 'GET', '/subjects/calls-value/versions')).body).toEqual([1]);
  });

  it('refuses the registration script there, which can still check', async () => {
    const client = createRegistryClient({ schemaRegistryUrl: readOnly, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const schema = { ...loadTopicSchema('call-events'), subject: 'calls-value' };
    const refusal = await registerSchemas(client, [schema], false).then(() => undefined, (err: unknown) => err);
    expect(refusal).toMatchObject({ status: 422 });
    // The CLI gives up at once on a refusal, and retries while the registry does not answer.
    expect(refusedByRegistry(refusal)).toBe(true);
    const down = createRegistryClient({ schemaRegistryUrl: 'http://127.0.0.1:1', schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    expect(refusedByRegistry(await registerSchemas(down, [schema], false).then(() => undefined, (err: unknown) => err))).toBe(false);
    expect(await registerSchemas(client, [schema, { ...schema, subject: 'missing-value' }], true)).toEqual([
      { subject: 'calls-value', topic: 'call-events', id: 1, outcome: 'found' },
      { subject: 'missing-value', topic: 'call-events', id: undefined, outcome: 'missing' },
    ]);
  });

  it('serves a reading service: its codec looks the schema up, never registers, and decodes', async () => {
    const client = createRegistryClient({ schemaRegistryUrl: readOnly, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
    const registered: string[] = [];
    const spy = new Proxy(client, {
      get: (target, prop, receiver) => (prop === 'register' ? (...args: unknown[]) => { registered.push(String(args)); return Promise.reject(new Error('no')); } : Reflect.get(target, prop, receiver) as unknown),
    });
    const reader = await AvroTopicCodec.lookup<Record<string, unknown>>(spy, { ...loadTopicSchema('call-events'), subject: 'calls-value' }, { logger, deadlineMs: 1_000 });
    expect(reader.schemaId).toBe(1);
    const unregistered = await AvroTopicCodec.lookup<Record<string, unknown>>(spy, { ...loadTopicSchema('call-events'), subject: 'nobody-value' }, { logger, deadlineMs: 1_000 });
    await expect(AvroTopicCodec.lookup(spy, { ...loadTopicSchema('call-events'), subject: 'nobody-value' }, { logger, deadlineMs: 1_000, required: true }))
      .rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('register-schemas.sh') });
    expect(registered).toEqual([]);

    const event = {
      event_id: 'e1', call_id: 'c1', type: 'START', ts: Date.UTC(2026, 0, 1), calling_number: '+442071234567', called_number: '+447700900001',
      ingress_trunk: 't1', ingress_country: 'GB', attestation: 'A', duration_ms: null, sip_code: null,
    };
    const body = avro.Type.forSchema(JSON.parse(callEvent) as avro.Schema).toBuffer(event);
    const wire = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), body]);
    for (const codec of [reader, unregistered]) {
      await codec.prepare([wire]);
      expect(codec.decode(wire)).toMatchObject(event);
    }
    expect(() => unregistered.encode(event)).toThrow(/cannot encode/);
  });

  it('answers a writer with the wrong password as a refusal, not an outage to retry', async () => {
    const client = createRegistryClient({ schemaRegistryUrl: authed, schemaRegistryUsername: 'deployer', schemaRegistryPassword: 'nope' });
    await expect(AvroTopicCodec.lookup(client, loadTopicSchema('call-events'), { logger, deadlineMs: 60_000 }))
      .rejects.toMatchObject({ code: 'ACCESS_DENIED', message: expect.stringContaining('HTTP 401') });
  });
});
