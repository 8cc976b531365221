import { readFileSync } from 'node:fs';
import { COMPATIBILITY, SchemaRegistry, SchemaType, type DecodeOptions } from '@kafkajs/confluent-schema-registry';
import { createLogger, ServiceHttpServer } from '@telfraud/common';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryLog } from './in-memory-schema-log.js';
import { REGISTRY_CONTENT_TYPE, registryHttpRoutes } from './registry-http.js';
import { createRegistryMetrics } from './registry-metrics.js';
import { registryRoutes } from './registry-routes.js';
import { RegistryWriter } from './registry-writer.js';
import { SchemaStore } from './schema-store.js';

// The HTTP API over an in-memory log, exercised with the real client the pipeline uses.
const callEvent = readFileSync(new URL('../../../schemas/call-event.avsc', import.meta.url), 'utf8');
/** Decode options that read with `schema` (the client resolves the writer's schema into it). */
const readAs = (schema: string): DecodeOptions => ({ [SchemaType.AVRO]: { readerSchema: JSON.parse(schema) as NonNullable<DecodeOptions[SchemaType.AVRO]>['readerSchema'] } });
const withField = (extra: object) => {
  const schema = JSON.parse(callEvent) as { fields: object[] };
  return JSON.stringify({ ...schema, fields: [...schema.fields, extra] });
};

let server: ServiceHttpServer;
let base: string;
let ready = true;
const metrics = new Registry();

beforeAll(async () => {
  const store = new SchemaStore();
  const writer = new RegistryWriter(store, new InMemoryLog().connect(store));
  const logger = createLogger({ level: 'error' });
  server = await ServiceHttpServer.start({
    host: '127.0.0.1',
    port: 0,
    metrics,
    logger,
    maxBodyBytes: 64 * 1024,
    routes: registryHttpRoutes({ table: registryRoutes(store, writer), metrics: createRegistryMetrics(metrics, store), logger, isReady: () => ready }),
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; type: string | null }> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': REGISTRY_CONTENT_TYPE },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, type: res.headers.get('content-type') };
}

describe('registry HTTP API', () => {
  const client = () => new SchemaRegistry({ host: base, retry: { retries: 0 } });

  it('serves @kafkajs/confluent-schema-registry: register, look up, encode and decode', async () => {
    const registry = client();
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: 'call-events-value', compatibility: COMPATIBILITY.BACKWARD });
    expect(id).toBe(1);
    // Registering again goes through GET /config/{s} (now set) and answers the same id.
    expect((await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: 'call-events-value', compatibility: COMPATIBILITY.BACKWARD })).id).toBe(1);
    expect(await registry.getLatestSchemaId('call-events-value')).toBe(1);
    expect(await registry.getRegistryIdBySchema('call-events-value', { type: SchemaType.AVRO, schema: callEvent })).toBe(1);
    expect(await registry.getRegistryId('call-events-value', 1)).toBe(1);

    const event = { event_id: 'e1', call_id: 'c1', type: 'START', ts: 1_700_000_000_000, calling_number: '+4915112345678', called_number: '+4930123456', ingress_trunk: 't1', ingress_country: 'DE', attestation: 'A', duration_ms: null, sip_code: null };
    const encoded = await registry.encode(id, event);
    expect(encoded.readInt32BE(1)).toBe(1);
    expect(await client().decode(encoded)).toEqual(event);

    const evolved = withField({ name: 'carrier', type: 'string', default: 'unknown' });
    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: evolved }, { subject: 'call-events-value', compatibility: COMPATIBILITY.BACKWARD });
    expect(id2).toBe(2);
    expect(await client().decode(encoded, readAs(evolved))).toEqual({ ...event, carrier: 'unknown' });

    await expect(
      registry.register({ type: SchemaType.AVRO, schema: withField({ name: 'region', type: 'string' }) }, { subject: 'call-events-value', compatibility: COMPATIBILITY.BACKWARD }),
    ).rejects.toThrow(/incompatible/);
  });

  it('answers Confluent content type and error bodies', async () => {
    const missing = await call('GET', '/subjects/nope/versions/latest');
    expect(missing).toMatchObject({ status: 404, body: { error_code: 40401 }, type: REGISTRY_CONTENT_TYPE });
    expect(await call('GET', '/subjects/call-events-value/versions/99')).toMatchObject({ status: 404, body: { error_code: 40402 } });
    expect(await call('GET', '/subjects/call-events-value/versions/zero')).toMatchObject({ status: 422, body: { error_code: 42202 } });
    expect(await call('GET', '/schemas/ids/999')).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await call('POST', '/subjects/call-events-value', { schema: '"string"' })).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await call('POST', '/subjects/x/versions', { schema: '{"type":"record"}' })).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(await call('POST', '/subjects/x/versions', { schema: '{}', schemaType: 'PROTOBUF' })).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(await call('POST', '/subjects/x/versions', '{oops')).toMatchObject({ status: 400 });
    expect(await call('PUT', '/config/x', { compatibility: 'SIDEWAYS' })).toMatchObject({ status: 422, body: { error_code: 42203 } });
    expect(await call('GET', '/config/x')).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect(await call('DELETE', '/config')).toMatchObject({ status: 405 });
  });

  it('covers configs, listings, compatibility checks and deletes', async () => {
    expect(await call('GET', '/config')).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
    expect(await call('GET', '/config/x?defaultToGlobal=true')).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
    expect(await call('PUT', '/config/x', { compatibility: 'forward' })).toMatchObject({ status: 200, body: { compatibility: 'FORWARD' } });
    expect(await call('GET', '/config/x')).toMatchObject({ status: 200, body: { compatibilityLevel: 'FORWARD' } });
    expect(await call('PUT', '/config', { compatibility: 'FULL' })).toMatchObject({ status: 200, body: { compatibility: 'FULL' } });
    expect(await call('GET', '/config')).toMatchObject({ body: { compatibilityLevel: 'FULL' } });
    await call('PUT', '/config', { compatibility: 'BACKWARD' });

    expect(await call('GET', '/subjects?deleted=false&x=1')).toMatchObject({ status: 200, body: ['call-events-value'] });
    expect(await call('GET', '/subjects/call-events-value/versions')).toMatchObject({ body: [1, 2] });
    expect(await call('GET', '/schemas/ids/1/versions')).toMatchObject({ body: [{ subject: 'call-events-value', version: 1 }] });
    expect(await call('GET', '/subjects/call-events-value/versions/1/schema')).toMatchObject({ body: JSON.parse(callEvent) });

    const bad = withField({ name: 'region', type: 'string' });
    expect(await call('POST', '/compatibility/subjects/call-events-value/versions/latest?verbose=true', { schema: bad })).toMatchObject({
      status: 200,
      body: { is_compatible: false, messages: [expect.stringContaining('region')] },
    });
    expect(await call('POST', '/compatibility/subjects/call-events-value/versions/1', { schema: withField({ name: 'r', type: 'int', default: 0 }) })).toMatchObject({
      body: { is_compatible: true },
    });
    expect(await call('POST', '/compatibility/subjects/new-subject/versions/latest', { schema: bad })).toMatchObject({ body: { is_compatible: true } });

    expect(await call('POST', '/subjects/tmp/versions', { schema: '"string"' })).toMatchObject({ status: 200 });
    expect(await call('DELETE', '/subjects/tmp')).toMatchObject({ status: 200, body: [1] });
    expect(await call('GET', '/subjects/tmp/versions')).toMatchObject({ status: 404, body: { error_code: 40401 } });
  });

  it('refuses bodies over the cap with 413', async () => {
    const res = await call('POST', '/subjects/big/versions', { schema: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
  });

  it('answers 503 until the log is replayed, while /healthz and /metrics still work', async () => {
    ready = false;
    try {
      expect(await call('GET', '/subjects')).toMatchObject({ status: 503, body: { error_code: 50003 } });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      ready = true;
    }
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/schema_registry_http_requests_total\{method="GET",route="\/subjects",status="503"\} 1/);
    expect(text).toMatch(/schema_registry_schemas 3/);
  });
});
