/**
 * The schema registry as a process against the real local broker, driven by the same client the
 * pipeline uses (@kafkajs/confluent-schema-registry). Uses the stack in `.data/env`, starting it
 * with `bash infra/scripts/up.sh` when absent (KAFKA_BROKERS in the environment overrides both).
 * Each run gets its own 1-partition schemas topic (made through the mock broker's control port when
 * known, else auto-created) and its own ports, so it neither sees nor disturbs other registries.
 * Builds services/schema-registry (tsc -b, incremental) before starting it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPATIBILITY, SchemaRegistry, SchemaType, type DecodeOptions } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerControl } from '../support/broker-control.js';
import { freePort } from '../support/net.js';
import { readStackEnv, requireStackEnv, ROOT } from '../support/stack.js';
import { waitFor } from '../support/wait-for.js';

const RUN = randomBytes(4).toString('hex');
const TOPIC = `_schemas-it-${RUN}`;
const SUBJECT = 'call-events-value';
const callEvent = readFileSync(path.join(ROOT, 'schemas/call-event.avsc'), 'utf8');
/** Decode options that read with `schema` (the client resolves the writer's schema into it). */
const readAs = (schema: string): DecodeOptions => ({ [SchemaType.AVRO]: { readerSchema: JSON.parse(schema) as NonNullable<DecodeOptions[SchemaType.AVRO]>['readerSchema'] } });
const withField = (extra: object): string => {
  const schema = JSON.parse(callEvent) as { fields: object[] };
  return JSON.stringify({ ...schema, fields: [...schema.fields, extra] });
};
const event = {
  event_id: `e-${RUN}`, call_id: `c-${RUN}`, type: 'END', ts: Date.UTC(2026, 10, 20, 12), calling_number: '+4915112345678',
  called_number: '+4930123456', ingress_trunk: 'trunk-7', ingress_country: 'DE', attestation: 'C', duration_ms: 42_000, sip_code: 200,
};

describe('schema registry on the local broker', () => {
  let env: Record<string, string> = {};
  let registryA: RegistryProcess | undefined;
  let registryB: RegistryProcess | undefined;
  let id1 = 0;
  let id2 = 0;
  let encoded: Buffer = Buffer.alloc(0);

  const client = (registry: RegistryProcess) => new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });

  beforeAll(async () => {
    env = stackEnv();
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const built = spawnSync(process.execPath, [tsc, '-b', 'services/schema-registry'], { cwd: ROOT, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building the schema registry failed:\n${built.stdout}${built.stderr}`);
    if (env['KAFKA_CONTROL']) await brokerControl(env['KAFKA_CONTROL'], `create-topic ${TOPIC} 1`);
    registryA = await RegistryProcess.start(env);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([registryA?.kill(), registryB?.kill()]);
  });

  it('registers call-event.avsc under call-events-value with BACKWARD and encodes and decodes with it', async () => {
    const registry = client(registryA!);
    ({ id: id1 } = await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: SUBJECT, compatibility: COMPATIBILITY.BACKWARD }));
    expect(id1).toBe(1);
    expect(await registryA!.json(`/config/${SUBJECT}`)).toEqual({ compatibilityLevel: 'BACKWARD' });
    // The same schema again, and under another subject: the same global id.
    expect((await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: SUBJECT, compatibility: COMPATIBILITY.BACKWARD })).id).toBe(id1);
    expect((await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: 'call-events-copy-value', compatibility: COMPATIBILITY.BACKWARD })).id).toBe(id1);

    encoded = await registry.encode(id1, event);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id1);
    expect(await client(registryA!).decode(encoded)).toEqual(event);
  });

  it('accepts a BACKWARD-compatible evolution and rejects an incompatible one', async () => {
    const registry = client(registryA!);
    const evolved = withField({ name: 'carrier', type: 'string', default: 'unknown' });
    ({ id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: evolved }, { subject: SUBJECT, compatibility: COMPATIBILITY.BACKWARD }));
    expect(id2).toBe(2);
    expect(await registry.decode(encoded, readAs(evolved))).toEqual({ ...event, carrier: 'unknown' });

    const incompatible = withField({ name: 'region', type: 'string' });
    await expect(registry.register(
      { type: SchemaType.AVRO, schema: incompatible },
      { subject: SUBJECT, compatibility: COMPATIBILITY.BACKWARD },
    )).rejects.toThrow(
      /incompatible/,
    );
    expect(await registryA!.json(`/subjects/${SUBJECT}/versions`)).toEqual([1, 2]);
  });

  it('a restarted registry reads its schemas back from the topic', async () => {
    expect(await registryA!.stop()).toBe(0);
    registryA = await RegistryProcess.start(env);
    const registry = client(registryA);
    expect(await registry.decode(encoded)).toEqual(event);
    expect(await registry.getLatestSchemaId(SUBJECT)).toBe(id2);
    expect(await registryA.json(`/subjects/${SUBJECT}/versions`)).toEqual([1, 2]);
    expect(await registryA.json('/subjects')).toEqual(['call-events-copy-value', SUBJECT]);
    expect(await registryA.json(`/config/${SUBJECT}`)).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await registry.register({ type: SchemaType.AVRO, schema: callEvent }, { subject: SUBJECT, compatibility: COMPATIBILITY.BACKWARD })).id).toBe(id1);
    const metrics = await (await fetch(`${registryA.url}/metrics`)).text();
    expect(metrics).toMatch(/^schema_registry_schemas\{[^}]*\} 2$/m);
  });

  it('a second instance converges by tailing the topic', async () => {
    registryB = await RegistryProcess.start(env);
    expect(await registryB.json(`/subjects/${SUBJECT}/versions`)).toEqual([1, 2]);
    const { id } = await client(registryA!).register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ type: 'record', name: 'Late', namespace: 'it', fields: [{ name: 'n', type: 'int' }] }) },
      { subject: 'late-value', compatibility: COMPATIBILITY.BACKWARD },
    );
    const seen = await waitFor('instance B to see late-value', async () => {
      const res = await fetch(`${registryB!.url}/subjects/late-value/versions/latest`);
      return res.status === 200 ? ((await res.json()) as { id: number }) : undefined;
    }, 15_000);
    expect(seen.id).toBe(id);
    expect(await registryB.stop()).toBe(0);
  });
});

/** `.data/env` of the local stack, started when missing; KAFKA_BROKERS from the environment wins. */
function stackEnv(): Record<string, string> {
  if (process.env['KAFKA_BROKERS']) return { KAFKA_BROKERS: process.env['KAFKA_BROKERS'], ...(process.env['KAFKA_CONTROL'] ? { KAFKA_CONTROL: process.env['KAFKA_CONTROL'] } : {}) };
  if (!readStackEnv(path.join(ROOT, '.data/env'))) {
    const up = spawnSync('bash', [path.join(ROOT, 'infra/scripts/up.sh')], { cwd: ROOT, encoding: 'utf8', timeout: 150_000 });
    if (up.status !== 0) throw new Error(`infra/scripts/up.sh failed (${up.status}):\n${up.stderr}`);
  }
  const env = requireStackEnv();
  if (!env['KAFKA_BROKERS']) throw new Error('.data/env names no KAFKA_BROKERS');
  return env;
}

class RegistryProcess {
  log = '';
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.log += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (this.log += d.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts `node services/schema-registry/dist/main.js` and waits until /readyz says the topic is replayed. */
  static async start(stack: Record<string, string>): Promise<RegistryProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['services/schema-registry/dist/main.js'], {
      cwd: ROOT,
      env: {
        ...process.env,
        KAFKA_BROKERS: stack['KAFKA_BROKERS'],
        KAFKA_CLIENT_ID: `it-registry-${RUN}`,
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        SCHEMA_REGISTRY_PORT: String(port),
        SCHEMA_REGISTRY_TOPIC: TOPIC,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const registry = new RegistryProcess(child, `http://127.0.0.1:${port}`);
    let exitCode: number | null | undefined;
    void registry.exited.then((code) => (exitCode = code));
    await waitFor('the schema registry to be ready', async () => {
      if (exitCode !== undefined) throw new Error(`exited with ${exitCode}`);
      const res = await fetch(`${registry.url}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    }, 60_000).catch(async (err: Error) => {
      await registry.kill();
      throw new Error(`${err.message}\n${registry.log}`);
    });
    return registry;
  }

  async json(pathname: string): Promise<unknown> {
    const res = await fetch(this.url + pathname);
    expect(res.headers.get('content-type')).toBe('application/vnd.schemaregistry.v1+json');
    return res.json();
  }

  /** SIGTERM; resolves with the exit code (SIGKILL and null after 20 s). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  async kill(): Promise<void> {
    await this.stop();
  }
}
