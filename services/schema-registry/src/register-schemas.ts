import { COMPATIBILITY, SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { TopicSchema } from '@telfraud/common';

/** What became of one subject. */
export interface SubjectOutcome {
  subject: string;
  topic: string;
  id: number | undefined;
  /** `registered`: written now (or already there, the registry answers the same id); `found`: looked up (--check); `missing`: --check found none. */
  outcome: 'registered' | 'found' | 'missing';
}

/**
 * Registers every topic's schema under its subject with BACKWARD compatibility (the deployment
 * step that lets the services only look schemas up), or with `check` only looks each one up.
 * Registering a schema that is already the subject's gives its existing id and writes nothing new.
 */
export async function registerSchemas(registry: SchemaRegistry, schemas: readonly TopicSchema[], check: boolean): Promise<SubjectOutcome[]> {
  const out: SubjectOutcome[] = [];
  for (const s of schemas) {
    const schema = { type: SchemaType.AVRO, schema: JSON.stringify(s.schema) } as const;
    if (!check) {
      const { id } = await registry.register(schema, { subject: s.subject, compatibility: COMPATIBILITY.BACKWARD });
      out.push({ subject: s.subject, topic: s.topic, id, outcome: 'registered' });
      continue;
    }
    try {
      out.push({ subject: s.subject, topic: s.topic, id: await registry.getRegistryIdBySchema(s.subject, schema), outcome: 'found' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if ((err as { status?: unknown }).status !== 404 && !/not found|4040[13]/i.test(message)) throw err;
      out.push({ subject: s.subject, topic: s.topic, id: undefined, outcome: 'missing' });
    }
  }
  return out;
}

const REFUSALS = [401, 403, 409, 422];

/**
 * An answer from the registry (not allowed to write, incompatible, read-only): trying again changes
 * nothing. Only these statuses: the client reports a refused connection as status 400.
 */
export function refusedByRegistry(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && REFUSALS.includes(status)) return true;
  return /incompatible|unauthori[sz]ed|forbidden|read-only/i.test(err instanceof Error ? err.message : String(err));
}
