import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseClient, pingClickHouse, type ClickHouseConfig, type Logger } from '@telfraud/common';
import { toStoreError } from '../alert-store.js';
import type { ActivityStore } from './activity-store.js';
import { minuteOf, type ActivityRow } from './minute-activity.js';

export const ACTIVITY_TABLE = 'origin_activity';
const ACTIVITY_COLUMNS: [string, ...string[]] = ['entity_type', 'entity', 'minute', 'attempts', 'answered', 'event_date'];

/** 'YYYY-MM-DD' (UTC) of a time in ms: the partition column, sent explicitly like the sink's other tables. */
function eventDate(ms: number): string {
  return new Date(minuteOf(ms)).toISOString().slice(0, 10);
}

/** `origin_activity` on ClickHouse: values travel only as JSONEachRow data, never inside SQL text. */
export class ClickHouseActivityStore implements ActivityStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly client: ClickHouseClient) {}

  static create(config: ClickHouseConfig, logger: Logger): ClickHouseActivityStore {
    return new ClickHouseActivityStore(createClickHouseClient(config, logger, 'telfraud-alert-sink-activity'));
  }

  async insertActivity(rows: readonly ActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => ({ ...r, event_date: eventDate(r.minute) }));
    try {
      await this.client.insert({ table: ACTIVITY_TABLE, columns: ACTIVITY_COLUMNS, values, format: 'JSONEachRow' });
    } catch (err) {
      throw toStoreError(err);
    }
  }

  ping(): Promise<boolean> {
    return pingClickHouse(this.client);
  }

  close(): Promise<void> {
    this.closing ??= this.client.close();
    return this.closing;
  }
}
