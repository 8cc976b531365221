import { ClickHouseLogLevel, createClient, type ClickHouseClient, type Logger as ClientLogger } from '@clickhouse/client';
import type { Logger } from '@telfraud/common';
import { ALERT_COLUMNS, VICTIM_COLUMNS, type AlertRow, type VictimRow } from './rows.js';
import { toStoreError, type AlertStore } from './alert-store.js';

export interface ClickHouseStoreConfig {
  clickhouseUrl: string;
  clickhouseDatabase: string;
  clickhouseUsername: string;
  clickhousePassword: string | undefined;
  clickhouseRequestTimeoutMs: number;
}

export const ALERTS_TABLE = 'alerts';
export const VICTIMS_TABLE = 'victim_exposures';

const PING_TIMEOUT_MS = 2_000;

/**
 * Routes the client's own (multi-line, plain-text) logs into the service's JSON logger at debug
 * level: every failed insert is already logged by the batcher, every failed ping by readiness.
 */
function clientLoggerClass(logger: Logger): new () => ClientLogger {
  const log = logger.child({ component: 'clickhouse-client' });
  const write = (p: { module: string; message: string; err?: Error }): void =>
    log.debug(p.message, { module: p.module, ...(p.err ? { err: p.err } : {}) });
  return class implements ClientLogger {
    trace = write;
    debug = write;
    info = write;
    warn = write;
    error = write;
  };
}

/**
 * The AlertStore on ClickHouse through @clickhouse/client. Values travel only as JSONEachRow
 * data, never inside SQL text; the column list is explicit and every column is sent.
 */
export class ClickHouseAlertStore implements AlertStore {
  private closing: Promise<void> | undefined;

  private constructor(private readonly client: ClickHouseClient) {}

  static create(config: ClickHouseStoreConfig, logger: Logger): ClickHouseAlertStore {
    const client = createClient({
      url: config.clickhouseUrl,
      database: config.clickhouseDatabase,
      username: config.clickhouseUsername,
      password: config.clickhousePassword ?? '',
      request_timeout: config.clickhouseRequestTimeoutMs,
      application: 'telfraud-alert-sink',
      log: { LoggerClass: clientLoggerClass(logger), level: ClickHouseLogLevel.WARN },
      // Keep requests plain: ClickHouse 18.16 predates most settings newer clients like to send.
      compression: { request: false, response: false },
    });
    return new ClickHouseAlertStore(client);
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
  async ping(): Promise<boolean> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PING_TIMEOUT_MS);
    try {
      const result = await this.client.ping({ select: true, abort_signal: abort.signal });
      return result.success;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.client.close();
    return this.closing;
  }
}
