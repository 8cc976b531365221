import { ClickHouseLogLevel, createClient, type ClickHouseClient, type Logger as ClientLogger } from '@clickhouse/client';
import type { Logger } from '../logger.js';
import type { ClickHouseConfig } from './clickhouse-settings.js';

const PING_TIMEOUT_MS = 2_000;

/**
 * Routes the client's own (multi-line, plain-text) logs into the service's JSON logger at debug
 * level: the services log every failed insert and every failed readiness ping themselves.
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
 * A @clickhouse/client for `config`, named `application` in ClickHouse's query log, its own logs
 * routed to `logger` at debug.
 */
export function createClickHouseClient(config: ClickHouseConfig, logger: Logger, application: string): ClickHouseClient {
  return createClient({
    url: config.clickhouseUrl,
    database: config.clickhouseDatabase,
    username: config.clickhouseUsername,
    password: config.clickhousePassword ?? '',
    request_timeout: config.clickhouseRequestTimeoutMs,
    application,
    log: { LoggerClass: clientLoggerClass(logger), level: ClickHouseLogLevel.WARN },
    // Keep requests plain: ClickHouse 18.16 predates most settings newer clients like to send.
    compression: { request: false, response: false },
  });
}

/** `SELECT 1` rather than `/ping`, so that the credentials and the database are checked too; false on any failure. */
export async function pingClickHouse(client: ClickHouseClient, timeoutMs = PING_TIMEOUT_MS): Promise<boolean> {
  try {
    return (await client.ping({ select: true, abort_signal: AbortSignal.timeout(timeoutMs) })).success;
  } catch {
    return false;
  }
}

/** 'YYYY-MM-DD' of an epoch-ms instant, in UTC (ClickHouse's Date text form). */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD hh:mm:ss' of an epoch-ms instant, in UTC (ClickHouse's DateTime text form). */
export function utcDateTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
