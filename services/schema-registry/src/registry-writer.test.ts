import { describe, expect, it } from 'vitest';
import { parseAvroSchema } from './avro-schema.js';
import { InMemoryLog } from './in-memory-schema-log.js';
import { RegistryError } from './registry-errors.js';
import { RegistryWriter } from './registry-writer.js';
import { SchemaStore } from './schema-store.js';

const rec = (...fields: object[]) => parseAvroSchema(JSON.stringify({ type: 'record', name: 'R', fields }));
const v1 = rec({ name: 'a', type: 'string' });
const v2 = rec({ name: 'a', type: 'string' }, { name: 'b', type: 'int', default: 0 });
const noDefault = rec({ name: 'a', type: 'string' }, { name: 'c', type: 'int' });

function instance(log = new InMemoryLog()) {
  const store = new SchemaStore();
  return { log, store, writer: new RegistryWriter(store, log.connect(store)) };
}

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RegistryError);
  return err as RegistryError;
}

describe('RegistryWriter', () => {
  it('registers new schemas with global ids and per-subject versions', async () => {
    const { store, writer, log } = instance();
    expect(await writer.register('s', v1)).toEqual({ id: 1 });
    expect(await writer.register('s', v2)).toEqual({ id: 2 });
    expect(store.liveVersions('s').map((v) => [v.version, v.id])).toEqual([[1, 1], [2, 2]]);
    expect(log.records).toHaveLength(2);
  });

  it('answers the same id for a schema already registered, without writing', async () => {
    const { writer, log } = instance();
    await writer.register('s', v1);
    const whitespaceOnly = parseAvroSchema(JSON.stringify(JSON.parse(v1.canonical), null, 2));
    expect(await writer.register('s', whitespaceOnly)).toEqual({ id: 1 });
    expect(log.records).toHaveLength(1);
  });

  it('reuses the id of an identical schema under another subject', async () => {
    const { store, writer } = instance();
    await writer.register('a', v1);
    expect(await writer.register('b', v1)).toEqual({ id: 1 });
    expect(store.usesOf(1)).toEqual([{ subject: 'a', version: 1 }, { subject: 'b', version: 1 }]);
  });

  it('rejects an incompatible schema with 409 and writes nothing', async () => {
    const { writer, log } = instance();
    await writer.register('s', v1);
    const err = await rejection(writer.register('s', noDefault));
    expect([err.httpStatus, err.errorCode]).toEqual([409, 409]);
    expect(err.message).toMatch(/incompatible/);
    expect(log.records).toHaveLength(1);
  });

  it('follows the subject level over the global one', async () => {
    const { writer } = instance();
    await writer.register('s', v1);
    await writer.setCompatibility(null, 'FULL');
    await expect(writer.register('s', noDefault)).rejects.toThrow(/incompatible/);
    await writer.setCompatibility('s', 'NONE');
    expect(await writer.register('s', noDefault)).toEqual({ id: 2 });
  });

  it('deletes a subject softly; registering again starts from the next version', async () => {
    const { store, writer } = instance();
    await writer.register('s', v1);
    await writer.register('s', v2);
    expect(await writer.deleteSubject('s')).toEqual([1, 2]);
    expect(store.subjectNames()).toEqual([]);
    await expect(writer.deleteSubject('s')).rejects.toMatchObject({ errorCode: 40401 });
    // Without live versions nothing constrains the subject.
    expect(await writer.register('s', noDefault)).toEqual({ id: 3 });
    expect(store.version('s', 'latest')).toMatchObject({ version: 3 });
  });

  it('two instances racing on one log converge: the loser plans again', async () => {
    const log = new InMemoryLog();
    const one = instance(log);
    const two = instance(log);
    const [a, b] = await Promise.all([one.writer.register('s', v1), two.writer.register('s', v2)]);
    expect(a).toEqual({ id: 1 });
    expect(b).toEqual({ id: 2 });
    // The losing record stays in the log, ignored by every reader alike.
    expect(log.records.length).toBeGreaterThan(2);
    await one.log.connect(one.store).catchUp();
    for (const { store } of [one, two]) {
      expect(store.liveVersions('s').map((v) => [v.version, v.id])).toEqual([[1, 1], [2, 2]]);
    }
  });

  it('refuses writes after close', async () => {
    const { writer } = instance();
    await writer.close();
    await expect(writer.register('s', v1)).rejects.toMatchObject({ httpStatus: 503 });
  });
});
