import avro from 'avsc';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { AvroTopicCodec } from './avro-codec.js';
import { loadTopicSchema } from './schema-files.js';

const callSchema = loadTopicSchema('call-events');
/** The contract's call event with one attestation symbol more: readers of the contract cannot resolve it. */
const widened = JSON.parse(JSON.stringify(callSchema.schema).replace('"NONE"]', '"NONE","X"]')) as avro.Schema;
const OWN_ID = 1;
const WIDENED_ID = 2;
const UNKNOWN_ID = 999_999;

function fakeRegistry(down = false): SchemaRegistry {
  return {
    register: () => Promise.resolve({ id: OWN_ID }),
    getSchema: (id: number) => {
      if (down) return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8081'));
      if (id === WIDENED_ID) return Promise.resolve(avro.Type.forSchema(widened));
      return Promise.reject(new Error('Schema not found'));
    },
  } as unknown as SchemaRegistry;
}

const event = {
  event_id: 'e1', call_id: 'c1', type: 'START', ts: Date.UTC(2026, 0, 1), calling_number: '+442071234567', called_number: '+447700900001',
  ingress_trunk: 't1', ingress_country: 'GB', attestation: 'A', duration_ms: null, sip_code: null,
};

function wire(id: number, type: avro.Type, value: unknown): Buffer {
  const body = type.toBuffer(value);
  const out = Buffer.alloc(5 + body.length);
  out.writeInt32BE(id, 1);
  body.copy(out, 5);
  return out;
}

describe('AvroTopicCodec writer schemas', () => {
  const logger = createLogger({ level: 'error' });

  it('decodes records of a writer schema the reader cannot resolve with the writer schema, for the contract check to judge', async () => {
    const codec = await AvroTopicCodec.create<Record<string, unknown>>(fakeRegistry(), callSchema, { logger });
    const writer = avro.Type.forSchema(widened);
    const bad = wire(WIDENED_ID, writer, { ...event, attestation: 'X' });
    const good = wire(WIDENED_ID, writer, event);
    await codec.prepare([bad, good]);
    expect(codec.decode(bad)['attestation']).toBe('X');
    expect(codec.decode(good)).toMatchObject(event);
  });

  it('names unknown ids, and makes a registry outage a retryable error instead of remembering the id', async () => {
    const codec = await AvroTopicCodec.create(fakeRegistry(), callSchema, { logger });
    const unknown = wire(UNKNOWN_ID, avro.Type.forSchema(callSchema.schema as avro.Schema), event);
    await codec.prepare([unknown]);
    expect(() => codec.decode(unknown)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SCHEMA_ID' }));

    const offline = await AvroTopicCodec.create(fakeRegistry(true), callSchema, { logger });
    await expect(offline.prepare([wire(WIDENED_ID, avro.Type.forSchema(widened), event)])).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retryable: true });
  });
});
