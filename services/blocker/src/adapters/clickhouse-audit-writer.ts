import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseClient, pingClickHouse, utcDate, utcDateTime, type ClickHouseConfig, type Logger } from '@telfraud/common';
import type { Decision } from '../core/decision.js';

/** A row of `block_deliveries` (migration 004): what one target answered to one action. */
export interface DeliveryRow {
  delivery_id: string;
  ts: number;
  decision_id: string;
  idempotency_key: string;
  action: string;
  entity_type: string;
  entity: string;
  target: string;
  result: 'delivered' | 'dead_lettered';
  attempts: number;
  status: number;
  error: string;
  duration_ms: number;
}

/** Where decisions and deliveries are recorded. Tests use a fake; ClickHouse is the real one. */
export interface AuditStore {
  write(decisions: readonly Decision[], deliveries: readonly DeliveryRow[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const AUDIT_COLUMNS = ['decision_id', 'ts', 'action', 'result', 'reason', 'rule_id', 'alert_id', 'entity_type', 'entity', 'expires_at', 'dry_run', 'event_date', 'inserted_at'] as const;
const DELIVERY_COLUMNS = [
  'delivery_id', 'ts', 'decision_id', 'idempotency_key', 'action', 'entity_type', 'entity', 'target', 'result', 'attempts', 'status', 'error', 'duration_ms',
  'event_date', 'inserted_at',
] as const;

/**
 * block_audit and block_deliveries on ClickHouse. Every column is sent (18.16 zero-fills omitted
 * JSONEachRow columns instead of applying DEFAULT); values travel as data, never inside SQL.
 */
export class ClickHouseAuditStore implements AuditStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly client: ClickHouseClient, private readonly now: () => number) {}

  static create(config: ClickHouseConfig, logger: Logger, now: () => number = Date.now): ClickHouseAuditStore {
    return new ClickHouseAuditStore(createClickHouseClient(config, logger, 'telfraud-blocker'), now);
  }

  async write(decisions: readonly Decision[], deliveries: readonly DeliveryRow[]): Promise<void> {
    const inserted = utcDateTime(this.now());
    if (decisions.length > 0) {
      await this.client.insert({
        table: 'block_audit', columns: [...AUDIT_COLUMNS], format: 'JSONEachRow',
        values: decisions.map((d) => ({ ...d, dry_run: d.dry_run ? 1 : 0, event_date: utcDate(d.ts), inserted_at: inserted })),
      });
    }
    if (deliveries.length > 0) {
      await this.client.insert({
        table: 'block_deliveries', columns: [...DELIVERY_COLUMNS], format: 'JSONEachRow',
        values: deliveries.map((d) => ({ ...d, event_date: utcDate(d.ts), inserted_at: inserted })),
      });
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
