import { DEFAULT_COMPATIBILITY, type CompatibilityLevel } from './compatibility.js';
import type { RegistryRecord } from './log-records.js';

export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  /** Canonical schema text. */
  schema: string;
  deleted: boolean;
}

export type ApplyOutcome = { applied: true } | { applied: false; reason: string };

const APPLIED: ApplyOutcome = { applied: true };

/**
 * The registry's whole state, rebuilt by applying the `_schemas` log in order. Pure: no I/O.
 *
 * Every instance applies the same records in the same order, so they converge. When two instances
 * race, the first record in the log wins and a later one that would reuse its version number or
 * id for a different schema (or give a known schema a second id) is ignored; its writer sees that
 * after catching up and plans again.
 */
export class SchemaStore {
  private readonly schemasById = new Map<number, string>();
  private readonly idBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, Map<number, SchemaVersion>>();
  private readonly subjectLevels = new Map<string, CompatibilityLevel>();
  private globalLevel: CompatibilityLevel = DEFAULT_COMPATIBILITY;
  private maxId = 0;

  apply(record: RegistryRecord): ApplyOutcome {
    switch (record.kind) {
      case 'SCHEMA':
        return this.applySchema(record);
      case 'SCHEMA_TOMBSTONE': {
        const removed = this.subjects.get(record.subject)?.delete(record.version) ?? false;
        return removed ? APPLIED : { applied: false, reason: `no version ${record.version} of ${record.subject} to remove` };
      }
      case 'CONFIG':
        if (record.subject === null) this.globalLevel = record.compatibility ?? DEFAULT_COMPATIBILITY;
        else if (record.compatibility === null) this.subjectLevels.delete(record.subject);
        else this.subjectLevels.set(record.subject, record.compatibility);
        return APPLIED;
      case 'DELETE_SUBJECT': {
        const versions = this.subjects.get(record.subject);
        if (!versions) return { applied: false, reason: `no subject ${record.subject}` };
        for (const v of versions.values()) if (v.version <= record.version) v.deleted = true;
        return APPLIED;
      }
      case 'NOOP':
        return APPLIED;
    }
  }

  private applySchema(record: Extract<RegistryRecord, { kind: 'SCHEMA' }>): ApplyOutcome {
    const versions = this.subjects.get(record.subject) ?? new Map<number, SchemaVersion>();
    const existing = versions.get(record.version);
    if (existing) {
      if (existing.id !== record.id || existing.schema !== record.schema) {
        return { applied: false, reason: `version ${record.version} of ${record.subject} already holds id ${existing.id}` };
      }
      existing.deleted = record.deleted;
      return APPLIED;
    }
    const schemaOfId = this.schemasById.get(record.id);
    if (schemaOfId !== undefined && schemaOfId !== record.schema) return { applied: false, reason: `id ${record.id} already names another schema` };
    const idOfSchema = this.idBySchema.get(record.schema);
    if (idOfSchema !== undefined && idOfSchema !== record.id) return { applied: false, reason: `the schema already has id ${idOfSchema}` };

    this.schemasById.set(record.id, record.schema);
    this.idBySchema.set(record.schema, record.id);
    this.maxId = Math.max(this.maxId, record.id);
    versions.set(record.version, { subject: record.subject, version: record.version, id: record.id, schema: record.schema, deleted: record.deleted });
    this.subjects.set(record.subject, versions);
    return APPLIED;
  }

  schemaById(id: number): string | undefined {
    return this.schemasById.get(id);
  }

  idOf(canonicalSchema: string): number | undefined {
    return this.idBySchema.get(canonicalSchema);
  }

  /** The id a schema new to the registry gets. */
  nextId(): number {
    return this.maxId + 1;
  }

  /** Subjects with at least one live (not deleted) version, sorted. */
  subjectNames(): string[] {
    return [...this.subjects.keys()].filter((s) => this.liveVersions(s).length > 0).sort();
  }

  /** Live versions of a subject, oldest first. */
  liveVersions(subject: string): SchemaVersion[] {
    const versions = this.subjects.get(subject);
    if (!versions) return [];
    return [...versions.values()].filter((v) => !v.deleted).sort((a, b) => a.version - b.version);
  }

  /** A live version by number, or the latest live one. */
  version(subject: string, version: number | 'latest'): SchemaVersion | undefined {
    if (version === 'latest') return this.liveVersions(subject).at(-1);
    const found = this.subjects.get(subject)?.get(version);
    return found && !found.deleted ? found : undefined;
  }

  /** The live version of `subject` holding this schema, if any. */
  find(subject: string, canonicalSchema: string): SchemaVersion | undefined {
    return this.liveVersions(subject).find((v) => v.schema === canonicalSchema);
  }

  /** Version numbers keep growing across soft deletes, as in Confluent. */
  nextVersion(subject: string): number {
    const versions = this.subjects.get(subject);
    return versions && versions.size > 0 ? Math.max(...versions.keys()) + 1 : 1;
  }

  /** Live (subject, version) pairs that use this id. */
  usesOf(id: number): { subject: string; version: number }[] {
    const out: { subject: string; version: number }[] = [];
    for (const subject of [...this.subjects.keys()].sort()) {
      for (const v of this.liveVersions(subject)) if (v.id === id) out.push({ subject, version: v.version });
    }
    return out;
  }

  subjectCompatibility(subject: string): CompatibilityLevel | undefined {
    return this.subjectLevels.get(subject);
  }

  globalCompatibility(): CompatibilityLevel {
    return this.globalLevel;
  }

  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.subjectLevels.get(subject) ?? this.globalLevel;
  }

  schemaCount(): number {
    return this.schemasById.size;
  }
}
