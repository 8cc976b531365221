import avro from 'avsc';
import { SchemaRegistry, SchemaType, COMPATIBILITY } from '@kafkajs/confluent-schema-registry';
import { PipelineError } from '../errors.js';
import type { Logger } from '../logger.js';
import { retry } from '../retry/retry.js';
import type { TopicSchema } from './schema-files.js';

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;
/** The schema id of a reader whose own schema is not registered: it decodes by the writers' ids only. */
const NO_OWN_ID = -1;

/** A definite "no such subject or schema" from the registry (40401, 40403), as opposed to an outage. */
function isNotFound(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return (err as { status?: unknown }).status === 404 || /not found|4040[13]/i.test(message);
}

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

  /**
   * Registers the reader schema under its subject with BACKWARD compatibility (producers that own
   * their subject: the generator, tests); retries until the registry answers or the deadline passes.
   */
  static async create<T>(
    registry: SchemaRegistry,
    topicSchema: TopicSchema,
    options: { logger: Logger; deadlineMs?: number },
  ): Promise<AvroTopicCodec<T>> {
    const id = await AvroTopicCodec.untilAnswered(topicSchema, options, 'registering', async () => {
      const { id } = await registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(topicSchema.schema) },
        { subject: topicSchema.subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      options.logger.info('schema registered', { subject: topicSchema.subject, schemaId: id });
      return id;
    });
    return new AvroTopicCodec<T>(registry, topicSchema.subject, id, avro.Type.forSchema(topicSchema.schema as avro.Schema), options.logger);
  }

  /**
   * Looks the schema up under its subject (a read: a locked-down or read-only registry allows it)
   * and never registers it; registration is a deployment step (infra/scripts/register-schemas.sh).
   * A reader needs no id of its own (it decodes by the writers' ids), so an unregistered schema is
   * logged and tolerated; `required` (a producer, which stamps the id on what it writes) makes it
   * a start-up error naming the subject.
   */
  static async lookup<T>(
    registry: SchemaRegistry,
    topicSchema: TopicSchema,
    options: { logger: Logger; deadlineMs?: number; required?: boolean },
  ): Promise<AvroTopicCodec<T>> {
    const id = await AvroTopicCodec.untilAnswered(topicSchema, options, 'looking up', async () => {
      try {
        const found = await registry.getRegistryIdBySchema(topicSchema.subject, { type: SchemaType.AVRO, schema: JSON.stringify(topicSchema.schema) });
        options.logger.info('schema found', { subject: topicSchema.subject, schemaId: found });
        return found;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        if (options.required) {
          throw new PipelineError('NOT_FOUND', `schema for ${topicSchema.subject} is not registered: register the schemas first (infra/scripts/register-schemas.sh)`, { cause: err });
        }
        options.logger.info('schema not registered under its subject; decoding by the writers\' schema ids', { subject: topicSchema.subject });
        return NO_OWN_ID;
      }
    });
    return new AvroTopicCodec<T>(registry, topicSchema.subject, id, avro.Type.forSchema(topicSchema.schema as avro.Schema), options.logger);
  }

  /** Runs `attempt` until the registry answers: an outage is retried until the deadline; a refusal (credentials, incompatibility, not found) is not. */
  private static async untilAnswered(
    topicSchema: TopicSchema, options: { logger: Logger; deadlineMs?: number }, doing: string, attempt: () => Promise<number>,
  ): Promise<number> {
    const deadline = Date.now() + (options.deadlineMs ?? 30_000);
    let delay = 200;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof PipelineError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        const status = (err as { status?: unknown }).status;
        if (status === 401 || status === 403) {
          throw new PipelineError('ACCESS_DENIED', `schema registry refused ${doing} ${topicSchema.subject} (HTTP ${status}): check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD`, { cause: err });
        }
        if (/incompatible/i.test(message) || /409/.test(message) || status === 422) {
          throw new PipelineError('SCHEMA_INCOMPATIBLE', `schema for ${topicSchema.subject} rejected by the registry: ${message}`, { cause: err });
        }
        if (Date.now() + delay > deadline) {
          throw new PipelineError('REGISTRY_UNAVAILABLE', `schema registry unreachable while ${doing} ${topicSchema.subject}: ${message}`, { cause: err, retryable: true });
        }
        options.logger.warn('schema registry not ready, retrying', { subject: topicSchema.subject, err: message, retryInMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  encode(value: T): Buffer {
    if (this.schemaId === NO_OWN_ID) throw new PipelineError('INTERNAL', `no registered schema id for ${this.subject}: a codec looked up for reading cannot encode`);
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
