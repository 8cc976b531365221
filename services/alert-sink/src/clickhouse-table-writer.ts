import type { ClickHouseClient } from '@clickhouse/client';
import { pingClickHouse } from '@telfraud/common';
import { toStoreError } from './alert-store.js';

/**
 * What the sink's ClickHouse stores share: values travel only as JSONEachRow data, never inside
 * SQL text; the column list is explicit and every column is sent; failures become StoreErrors.
 */
export abstract class ClickHouseTableWriter {
  private closing: Promise<void> | undefined;

  protected constructor(private readonly client: ClickHouseClient) {}

  protected async insert<T>(table: string, columns: [string, ...string[]], rows: readonly T[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table, columns, values: rows as T[], format: 'JSONEachRow' });
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** `SELECT 1` rather than `/ping`, so that the credentials and the database are checked too. */
  ping(): Promise<boolean> {
    return pingClickHouse(this.client);
  }

  close(): Promise<void> {
    this.closing ??= this.client.close();
    return this.closing;
  }
}
