import avro from 'avsc';
import { registryErrors } from './registry-errors.js';

/** A schema the registry accepted: its canonical text (what ids are keyed by) and its parsed type. */
export interface ParsedSchema {
  canonical: string;
  type: avro.Type;
}

/**
 * Parses Avro schema text. The canonical form is the compact JSON re-serialisation, so
 * whitespace differences do not make a new schema; anything avsc rejects is a 42201.
 */
export function parseAvroSchema(text: string): ParsedSchema {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw registryErrors.invalidSchema(`not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const type = avro.Type.forSchema(json as avro.Schema);
    return { canonical: JSON.stringify(json), type };
  } catch (err) {
    throw registryErrors.invalidSchema(err instanceof Error ? err.message : String(err));
  }
}

/** The body of POST /subjects/{s}/versions, /subjects/{s} and /compatibility/...: only AVRO without references. */
export function parseSchemaRequest(body: unknown): ParsedSchema {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw registryErrors.invalidSchema('the body must be a JSON object with a "schema" string');
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (schemaType !== undefined && schemaType !== null && schemaType !== 'AVRO') {
    throw registryErrors.invalidSchema(`schemaType ${JSON.stringify(schemaType)} is not supported; this registry stores AVRO only`);
  }
  if (Array.isArray(references) && references.length > 0) throw registryErrors.invalidSchema('schema references are not supported');
  if (typeof schema !== 'string' || schema.trim() === '') throw registryErrors.invalidSchema('"schema" must be a non-empty string');
  return parseAvroSchema(schema);
}
