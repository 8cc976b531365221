import type { RegistryRecord } from './log-records.js';
import type { SchemaLog } from './schema-log.js';
import type { ApplyOutcome, SchemaStore } from './schema-store.js';

/** A log shared in memory by several stores, for tests and for trying the HTTP API without Kafka. */
export class InMemoryLog {
  readonly records: RegistryRecord[] = [];

  /** A reader/writer that applies this log to `store`, as one registry instance would. */
  connect(store: SchemaStore, onApply?: (record: RegistryRecord, outcome: ApplyOutcome) => void): SchemaLog {
    let position = 0;
    return {
      append: (record) => {
        this.records.push(record);
        return Promise.resolve();
      },
      catchUp: () => {
        for (; position < this.records.length; position++) {
          const record = this.records[position] as RegistryRecord;
          const outcome = store.apply(record);
          onApply?.(record, outcome);
        }
        return Promise.resolve();
      },
    };
  }
}
