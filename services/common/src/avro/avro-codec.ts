import avro from 'avsc';
import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { PipelineError } from '../errors.js';
import type { Logger } from '../logger.js';
import { retry } from '../retry/retry.js';
import type { TopicSchema } from './schema-files.js';

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;

export interface RegistryConnectionConfig {
  schemaRegistryUrl: string;
  schemaRegistryUsername: string | undefined;
  schemaRegistryPassword: string | undefined;
}

export function createRegistryClient(config: RegistryConnectionConfig): SchemaRegistry {
  const auth = config.schemaRegistryUsername
    ? { username: config.schemaRegistryUsername, password: config.schemaRegistryPassword ?? '' }
    : undefined;
  return new SchemaRegistry({ host: config.schemaRegistryUrl, ...(auth ? { auth } : {}), retry: { retries: 3 } });
}

/**
 * Encodes and decodes one topic's values in the Confluent wire format (magic byte, 4-byte schema id,
 * Avro body). Writer schemas are fetched from the registry once per id and kept as resolvers into
 * the reader schema, so the hot path is a synchronous avsc call with no registry round trip.
 */
export class AvroTopicCodec<T> {
  /** null: the id is our own reader schema, no resolution needed. */
  private readonly resolvers = new Map<number, avro.Resolver | null>();
  /** Writer schemas the reader schema cannot resolve (an enum symbol outside the contract, say). */
  private readonly unresolvable = new Map<number, avro.Type>();
  private readonly unknownIds = new Set<number>();

  private constructor(
    private readonly registry: SchemaRegistry,
    readonly subject: string,
    readonly schemaId: number,
    private readonly type: avro.Type,
    private readonly logger: Logger,
  ) {}

  /** Registers the reader schema under its subject with BACKWARD compatibility; retries until the registry answers or the deadline passes. */
  static async create<T>(
    registry: SchemaRegistry,
    topicSchema: TopicSchema,
    options: { logger: Logger; deadlineMs?: number } ,
  ): Promise<AvroTopicCodec<T>> {
    const type = avro.Type.forSchema(topicSchema.schema as avro.Schema);
    const rejected = (err: unknown): boolean => /incompatible/i.test(errorMessage(err)) || /409/.test(errorMessage(err));
    try {
      return await retry(async () => {
        const { id } = await registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(topicSchema.schema) },
          { subject: topicSchema.subject, compatibility: COMPATIBILITY.BACKWARD },
        );
        options.logger.info('schema registered', { subject: topicSchema.subject, schemaId: id });
        return new AvroTopicCodec<T>(registry, topicSchema.subject, id, type, options.logger);
      }, {
        backoff: { initialMs: 200, maxMs: 5_000 },
        deadline: { at: Date.now() + (options.deadlineMs ?? 30_000) },
        retryable: (err) => !rejected(err),
        onRetry: (err, _attempt, delay) => options.logger.warn('schema registry not ready, retrying', { subject: topicSchema.subject, err: errorMessage(err), retryInMs: delay }),
      });
    } catch (err) {
      const message = errorMessage(err);
      if (rejected(err)) throw new PipelineError('SCHEMA_INCOMPATIBLE', `schema for ${topicSchema.subject} rejected by the registry: ${message}`, { cause: err });
      throw new PipelineError('REGISTRY_UNAVAILABLE', `schema registry unreachable while registering ${topicSchema.subject}: ${message}`, { cause: err, retryable: true });
    }
  }

  encode(value: T): Buffer {
    const body = this.type.toBuffer(value);
    const out = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    out[0] = MAGIC_BYTE;
    out.writeInt32BE(this.schemaId, 1);
    body.copy(out, HEADER_BYTES);
    return out;
  }

  /** Fetches writer schemas for ids not seen yet, so `decode` can stay synchronous. Unknown ids are remembered as such. */
  async prepare(buffers: Iterable<Buffer | null>): Promise<void> {
    const missing = new Set<number>();
    for (const buf of buffers) {
      if (!buf || buf.length < HEADER_BYTES || buf[0] !== MAGIC_BYTE) continue;
      const id = buf.readInt32BE(1);
      if (!this.resolvers.has(id) && !this.unresolvable.has(id) && !this.unknownIds.has(id)) missing.add(id);
    }
    for (const id of missing) {
      if (id === this.schemaId) {
        this.resolvers.set(id, null);
        continue;
      }
      let writerType: avro.Type;
      try {
        const writer = (await this.registry.getSchema(id)) as unknown as avro.Type;
        writerType = avro.Type.forSchema(writer.schema() as avro.Schema);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // Only a definite "not found" is cached; a registry outage must not poison the id.
        if (/not found|40403|404/i.test(message)) this.unknownIds.add(id);
        else throw new PipelineError('REGISTRY_UNAVAILABLE', `cannot fetch schema id ${id}: ${message}`, { cause: err, retryable: true });
        continue;
      }
      this.remember(id, writerType);
    }
  }

  /**
   * A writer schema the reader cannot resolve is not a registry outage: retrying would stall the
   * partition forever. Its records are decoded with the writer schema alone and left to the
   * contract check, which names the offending field (an unknown enum symbol, say).
   */
  private remember(id: number, writerType: avro.Type): void {
    try {
      this.resolvers.set(id, this.type.createResolver(writerType));
    } catch (err) {
      this.unresolvable.set(id, writerType);
      this.logger.warn('writer schema not resolvable into the reader schema; decoding with the writer schema for the contract check', {
        subject: this.subject, schemaId: id, err: err instanceof Error ? err.message : String(err),
      });
    }
  }

  decode(buf: Buffer | null): T {
    if (!buf || buf.length < HEADER_BYTES) throw new PipelineError('DECODE_FAILED', `message too short for the wire format (${buf?.length ?? 0} bytes)`);
    if (buf[0] !== MAGIC_BYTE) throw new PipelineError('BAD_MAGIC_BYTE', `magic byte is ${buf[0]}, expected 0`);
    const id = buf.readInt32BE(1);
    const resolver = this.resolvers.get(id);
    const writerOnly = resolver === undefined ? this.unresolvable.get(id) : undefined;
    if (writerOnly) return this.decodeWith(writerOnly, buf, id);
    if (resolver === undefined && id !== this.schemaId) {
      throw new PipelineError('UNKNOWN_SCHEMA_ID', `schema id ${id} is unknown to the registry`);
    }
    try {
      const body = buf.subarray(HEADER_BYTES);
      return (resolver ? this.type.fromBuffer(body, resolver) : this.type.fromBuffer(body)) as T;
    } catch (err) {
      throw new PipelineError('DECODE_FAILED', `Avro body does not decode with schema id ${id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private decodeWith(writer: avro.Type, buf: Buffer, id: number): T {
    try {
      return writer.fromBuffer(buf.subarray(HEADER_BYTES)) as T;
    } catch (err) {
      throw new PipelineError('DECODE_FAILED', `Avro body does not decode with schema id ${id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Paths of fields that do not fit the schema, for dead-letter reasons on the producing side. */
  invalidPaths(value: unknown): string[] {
    const paths: string[] = [];
    this.type.isValid(value, { errorHook: (p) => paths.push(p.join('.')) });
    return paths;
  }
}
