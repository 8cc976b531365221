import { parseCompatibilityLevel, type CompatibilityLevel } from './compatibility.js';
import { PipelineError } from '@telfraud/common';

/**
 * What the `_schemas` topic holds, one record per change, in Confluent Schema Registry's own
 * key/value JSON so the topic reads the same to both. A null `compatibility` (a CONFIG tombstone)
 * removes a subject's own level.
 */
export type RegistryRecord =
  | { kind: 'SCHEMA'; subject: string; version: number; id: number; schema: string; deleted: boolean }
  | { kind: 'SCHEMA_TOMBSTONE'; subject: string; version: number }
  | { kind: 'CONFIG'; subject: string | null; compatibility: CompatibilityLevel | null }
  | { kind: 'DELETE_SUBJECT'; subject: string; version: number }
  | { kind: 'NOOP' };

export interface EncodedRecord {
  key: string;
  /** null only for tombstones, which this registry reads but never writes. */
  value: string | null;
}

export function encodeRecord(record: RegistryRecord): EncodedRecord {
  switch (record.kind) {
    case 'SCHEMA':
      return {
        key: JSON.stringify({ keytype: 'SCHEMA', subject: record.subject, version: record.version, magic: 1 }),
        value: JSON.stringify({ subject: record.subject, version: record.version, id: record.id, schema: record.schema, deleted: record.deleted }),
      };
    case 'SCHEMA_TOMBSTONE':
      return { key: JSON.stringify({ keytype: 'SCHEMA', subject: record.subject, version: record.version, magic: 1 }), value: null };
    case 'CONFIG':
      return {
        key: JSON.stringify({ keytype: 'CONFIG', subject: record.subject, magic: 0 }),
        value: record.compatibility === null ? null : JSON.stringify({ compatibilityLevel: record.compatibility }),
      };
    case 'DELETE_SUBJECT':
      return {
        key: JSON.stringify({ keytype: 'DELETE_SUBJECT', subject: record.subject, magic: 0 }),
        value: JSON.stringify({ subject: record.subject, version: record.version }),
      };
    case 'NOOP':
      return { key: JSON.stringify({ keytype: 'NOOP', magic: 0 }), value: null };
  }
}

export type DecodeResult = { ok: true; record: RegistryRecord } | { ok: false; reason: string };

function object(text: string | null, what: string): Record<string, unknown> | undefined {
  if (text === null) return undefined;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PipelineError('DECODE_FAILED', `${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** Reads one `_schemas` record; anything this registry does not understand is reported, never thrown. */
export function decodeRecord(key: string | null, value: string | null): DecodeResult {
  try {
    const k = object(key, 'key');
    if (!k) return { ok: false, reason: 'record has no key' };
    const v = object(value, 'value');
    const subject = k['subject'];
    switch (k['keytype']) {
      case 'SCHEMA': {
        if (typeof subject !== 'string' || !isPositiveInt(k['version'])) return { ok: false, reason: 'SCHEMA key without subject and version' };
        if (!v) return { ok: true, record: { kind: 'SCHEMA_TOMBSTONE', subject, version: k['version'] } };
        const schemaType = v['schemaType'];
        if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') return { ok: false, reason: `schemaType ${String(schemaType)} is not supported` };
        if (!isPositiveInt(v['id']) || typeof v['schema'] !== 'string') return { ok: false, reason: 'SCHEMA value without id and schema' };
        return { ok: true, record: { kind: 'SCHEMA', subject, version: k['version'], id: v['id'], schema: v['schema'], deleted: v['deleted'] === true } };
      }
      case 'CONFIG': {
        if (subject !== null && subject !== undefined && typeof subject !== 'string') return { ok: false, reason: 'CONFIG key with a bad subject' };
        const target = typeof subject === 'string' ? subject : null;
        if (!v) return { ok: true, record: { kind: 'CONFIG', subject: target, compatibility: null } };
        const level = parseCompatibilityLevel(v['compatibilityLevel']);
        if (!level) return { ok: false, reason: `CONFIG value with unknown level ${JSON.stringify(v['compatibilityLevel'])}` };
        return { ok: true, record: { kind: 'CONFIG', subject: target, compatibility: level } };
      }
      case 'DELETE_SUBJECT': {
        if (typeof subject !== 'string' || !v || !isPositiveInt(v['version'])) return { ok: false, reason: 'DELETE_SUBJECT without subject and version' };
        return { ok: true, record: { kind: 'DELETE_SUBJECT', subject, version: v['version'] } };
      }
      case 'NOOP':
        return { ok: true, record: { kind: 'NOOP' } };
      default:
        return { ok: false, reason: `keytype ${JSON.stringify(k['keytype'])} is not handled` };
    }
  } catch (err) {
    return { ok: false, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}
