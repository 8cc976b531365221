import { createClickHouseClient, type ClickHouseConfig, type Logger } from '@telfraud/common';
import { ClickHouseTableWriter } from '../clickhouse-table-writer.js';
import type { ActivityStore } from './activity-store.js';
import { minuteOf, type ActivityRow } from './minute-activity.js';

export const ACTIVITY_TABLE = 'origin_activity';
const ACTIVITY_COLUMNS: [string, ...string[]] = ['entity_type', 'entity', 'minute', 'attempts', 'answered', 'event_date'];

/** 'YYYY-MM-DD' (UTC) of a time in ms: the partition column, sent explicitly like the sink's other tables. */
function eventDate(ms: number): string {
  return new Date(minuteOf(ms)).toISOString().slice(0, 10);
}

/** `origin_activity` on ClickHouse: values travel only as JSONEachRow data, never inside SQL text. */
export class ClickHouseActivityStore extends ClickHouseTableWriter implements ActivityStore {
  static create(config: ClickHouseConfig, logger: Logger): ClickHouseActivityStore {
    return new ClickHouseActivityStore(createClickHouseClient(config, logger, 'telfraud-alert-sink-activity'));
  }

  async insertActivity(rows: readonly ActivityRow[]): Promise<void> {
    await this.insert(ACTIVITY_TABLE, ACTIVITY_COLUMNS, rows.map((r) => ({ ...r, event_date: eventDate(r.minute) })));
  }
}
