import { PipelineError, type ErrorCode } from '@telfraud/common';
import type { AlertRow, VictimRow } from './rows.js';

/**
 * Where the sink stores rows. The batching logic depends on this port only, so it is tested
 * with a fake; `clickhouse-alert-store.ts` is the real adapter.
 */
export interface AlertStore {
  /** Stores the rows or throws a StoreError; a retry of the same rows is harmless (ReplacingMergeTree). */
  insertAlerts(rows: readonly AlertRow[]): Promise<void>;
  insertVictims(rows: readonly VictimRow[]): Promise<void>;
  /** True when the store answers (and accepts the credentials). Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A failed store call. `code` is CLICKHOUSE_UNAVAILABLE (network, timeout) or CLICKHOUSE_REJECTED
 * (the server answered with an error); `detail` is a bounded label such as `ECONNREFUSED`,
 * `TIMEOUT` or `CH_60` (the server's numeric error code) for the failure counter.
 */
export class StoreError extends PipelineError {
  readonly detail: string;
  constructor(code: Extract<ErrorCode, 'CLICKHOUSE_UNAVAILABLE' | 'CLICKHOUSE_REJECTED'>, detail: string, message: string, cause?: unknown) {
    super(code, message, { retryable: true, cause });
    this.name = 'StoreError';
    this.detail = detail;
  }
}

const NETWORK_CODE = /^E[A-Z_]+$/;

/** Classifies anything a ClickHouse call threw. The 1.x client against 18.16 throws plain Errors: parse `Code: N`. */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const serverCode = /Code: (\d+)/.exec(message)?.[1] ?? (error as { code?: unknown } | null)?.code;
  if (typeof serverCode === 'string' && /^\d+$/.test(serverCode)) {
    return new StoreError('CLICKHOUSE_REJECTED', `CH_${serverCode}`, message, error);
  }
  const networkCode = typeof serverCode === 'string' && NETWORK_CODE.test(serverCode) ? serverCode : undefined;
  if (networkCode) return new StoreError('CLICKHOUSE_UNAVAILABLE', networkCode, message, error);
  if (/timeout/i.test(message)) return new StoreError('CLICKHOUSE_UNAVAILABLE', 'TIMEOUT', message, error);
  if (/socket hang up|ECONNRESET/i.test(message)) return new StoreError('CLICKHOUSE_UNAVAILABLE', 'ECONNRESET', message, error);
  return new StoreError('CLICKHOUSE_UNAVAILABLE', 'UNKNOWN', message, error);
}
