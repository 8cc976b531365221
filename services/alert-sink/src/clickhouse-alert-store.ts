import { createClickHouseClient, type ClickHouseConfig, type Logger } from '@telfraud/common';
import type { AlertStore } from './alert-store.js';
import { ClickHouseTableWriter } from './clickhouse-table-writer.js';
import { ALERT_COLUMNS, VICTIM_COLUMNS, type AlertRow, type VictimRow } from './rows.js';

export const ALERTS_TABLE = 'alerts';
export const VICTIMS_TABLE = 'victim_exposures';

/** The AlertStore on ClickHouse through @clickhouse/client. */
export class ClickHouseAlertStore extends ClickHouseTableWriter implements AlertStore {
  static create(config: ClickHouseConfig, logger: Logger): ClickHouseAlertStore {
    return new ClickHouseAlertStore(createClickHouseClient(config, logger, 'telfraud-alert-sink'));
  }

  async insertAlerts(rows: readonly AlertRow[]): Promise<void> {
    await this.insert(ALERTS_TABLE, [...ALERT_COLUMNS], rows);
  }

  async insertVictims(rows: readonly VictimRow[]): Promise<void> {
    await this.insert(VICTIMS_TABLE, [...VICTIM_COLUMNS], rows);
  }
}
