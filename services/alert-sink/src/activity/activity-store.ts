import type { ActivityRow } from './minute-activity.js';

/** Where the activity writer stores its counts; `clickhouse-activity-store.ts` is the real adapter. */
export interface ActivityStore {
  /**
   * Stores the rows or throws a StoreError. Not idempotent: the table sums rows, so rows stored
   * twice count twice (the writer only retries an insert that failed).
   */
  insertActivity(rows: readonly ActivityRow[]): Promise<void>;
  /** True when the store answers. Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
