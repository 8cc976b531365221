import avro from 'avsc';
import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createRegistryClient, loadTopicSchema } from '@telfraud/common';
import type { EventRecord } from './campaign-dataset.js';

/**
 * Registers the contract's schema of `topic` with one optional field more (`switch_id`) under
 * `subject` (a compatible writer schema with an id of its own, one a running service has never
 * seen) and returns an encoder of records in the Confluent wire format with it.
 */
export async function evolvedSchemaWriter(registryUrl: string, subject: string, topic: 'call-events' | 'sms-events'): Promise<(e: EventRecord) => Buffer> {
  const schema = loadTopicSchema(topic).schema as { fields: unknown[] };
  const evolved = { ...schema, fields: [...schema.fields, { name: 'switch_id', type: ['null', 'string'], default: null }] };
  const registry = createRegistryClient({ schemaRegistryUrl: registryUrl, schemaRegistryUsername: undefined, schemaRegistryPassword: undefined });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved) }, { subject, compatibility: COMPATIBILITY.NONE });
  const type = avro.Type.forSchema(evolved as avro.Schema);
  return (e) => {
    const body = type.toBuffer({ ...e, switch_id: 'sw-1' });
    const value = Buffer.alloc(5 + body.length);
    value.writeInt32BE(id, 1);
    body.copy(value, 5);
    return value;
  };
}
