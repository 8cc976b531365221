import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseClient, pingClickHouse, type ClickHouseConfig, type Logger } from '@telfraud/common';
import { ALERT_COLUMNS, VICTIM_COLUMNS, type AlertRow, type VictimRow } from './rows.js';
import { toStoreError, type AlertStore } from './alert-store.js';

export const ALERTS_TABLE = 'alerts';
export const VICTIMS_TABLE = 'victim_exposures';

/**
 * The AlertStore on ClickHouse through @clickhouse/client. Values travel only as JSONEachRow
 * data, never inside SQL text; the column list is explicit and every column is sent.
 */
export class ClickHouseAlertStore implements AlertStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly client: ClickHouseClient) {}

  static create(config: ClickHouseConfig, logger: Logger): ClickHouseAlertStore {
    return new ClickHouseAlertStore(createClickHouseClient(config, logger, 'telfraud-alert-sink'));
  }

  async insertAlerts(rows: readonly AlertRow[]): Promise<void> {
    await this.insert(ALERTS_TABLE, [...ALERT_COLUMNS], rows);
  }

  async insertVictims(rows: readonly VictimRow[]): Promise<void> {
    await this.insert(VICTIMS_TABLE, [...VICTIM_COLUMNS], rows);
  }

  private async insert<T>(table: string, columns: [string, ...string[]], rows: readonly T[]): Promise<void> {
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
