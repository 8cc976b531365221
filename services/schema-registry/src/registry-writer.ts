import type avro from 'avsc';
import { parseAvroSchema, type ParsedSchema } from './avro-schema.js';
import { compatibilityProblems, type CompatibilityLevel, type VersionedType } from './compatibility.js';
import { registryErrors } from './registry-errors.js';
import type { SchemaLog } from './schema-log.js';
import type { SchemaStore } from './schema-store.js';

/**
 * Every change to the registry: decided on the caught-up store, appended to the log, and read
 * back before answering. Writes of one instance run one at a time; races between instances are
 * settled by log order (see SchemaStore) and the loser plans again.
 */
export class RegistryWriter {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly types = new Map<string, avro.Type>();

  constructor(
    private readonly store: SchemaStore,
    private readonly log: SchemaLog,
    private readonly maxAttempts = 5,
  ) {}

  /** Registers `schema` under `subject` (or finds it there) and returns its global id. */
  register(subject: string, schema: ParsedSchema): Promise<{ id: number }> {
    return this.exclusive(async () => {
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        await this.log.catchUp();
        const existing = this.store.find(subject, schema.canonical);
        if (existing) return { id: existing.id };
        const problems = this.problems(this.store.effectiveCompatibility(subject), subject, schema);
        if (problems.length > 0) throw registryErrors.incompatible(subject, problems);
        await this.log.append({
          kind: 'SCHEMA',
          subject,
          version: this.store.nextVersion(subject),
          id: this.store.idOf(schema.canonical) ?? this.store.nextId(),
          schema: schema.canonical,
          deleted: false,
        });
        await this.log.catchUp();
        const stored = this.store.find(subject, schema.canonical);
        if (stored) return { id: stored.id };
      }
      throw registryErrors.store(`registering under ${subject} lost ${this.maxAttempts} races with other registry instances`);
    });
  }

  /** Compatibility messages of `schema` against the subject's live versions (all, or only `version`). */
  problems(level: CompatibilityLevel, subject: string, schema: ParsedSchema, version?: number): string[] {
    const versions = this.store.liveVersions(subject).filter((v) => version === undefined || v.version === version);
    const existing: VersionedType[] = versions.map((v) => ({ version: v.version, type: this.typeOf(v.schema) }));
    return compatibilityProblems(level, schema.type, existing);
  }

  /** Sets a subject's own level, or the global one when `subject` is null. */
  setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    return this.exclusive(async () => {
      await this.log.append({ kind: 'CONFIG', subject, compatibility: level });
      await this.log.catchUp();
      return level;
    });
  }

  /** Soft-deletes every live version of `subject`; returns their numbers. */
  deleteSubject(subject: string): Promise<number[]> {
    return this.exclusive(async () => {
      await this.log.catchUp();
      const versions = this.store.liveVersions(subject).map((v) => v.version);
      const latest = versions.at(-1);
      if (latest === undefined) throw registryErrors.subjectNotFound(subject);
      await this.log.append({ kind: 'DELETE_SUBJECT', subject, version: latest });
      await this.log.catchUp();
      return versions;
    });
  }

  /** Waits for the writes in flight and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.catch(() => undefined);
  }

  private typeOf(canonical: string): avro.Type {
    let type = this.types.get(canonical);
    if (!type) {
      type = parseAvroSchema(canonical).type;
      this.types.set(canonical, type);
    }
    return type;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(registryErrors.shuttingDown());
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
