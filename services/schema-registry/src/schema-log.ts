import type { RegistryRecord } from './log-records.js';

/**
 * The registry's durable, totally ordered log (Kafka's `_schemas` in production). The store
 * changes only by applying what the log delivers, so a write is visible once `catchUp` returns.
 */
export interface SchemaLog {
  /** Writes one record durably (all in-sync replicas) before resolving. */
  append(record: RegistryRecord): Promise<void>;
  /** Resolves once every record in the log when called has been applied to the store. */
  catchUp(): Promise<void>;
}
