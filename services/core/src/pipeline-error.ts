/**
 * Every failure the pipeline names, in one list, so metrics, logs and dead-letter headers
 * speak the same vocabulary. It lives in the core (pure: no Node, no I/O) so the core's own
 * errors (rule packs, reference data) carry codes too; services import it through common.
 */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'DECODE_FAILED',
  'UNKNOWN_SCHEMA_ID',
  'BAD_MAGIC_BYTE',
  'CONTRACT_VIOLATION',
  'LATE_EVENT',
  'FUTURE_EVENT',
  'REGISTRY_UNAVAILABLE',
  'SCHEMA_INCOMPATIBLE',
  'KAFKA_UNAVAILABLE',
  'CLICKHOUSE_UNAVAILABLE',
  'CLICKHOUSE_REJECTED',
  'RULE_PACK_INVALID',
  'REFERENCE_INVALID',
  'USAGE_INVALID',
  'INPUT_INVALID',
  'POLICY_INVALID',
  'SHUTDOWN_TIMEOUT',
  'STOPPING',
  'REQUEST_INVALID',
  'ACCESS_DENIED',
  'NOT_FOUND',
  'UPSTREAM_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface PipelineErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** Path of the offending field, e.g. `calling_number`, for dead-letter reasons. */
  path?: string;
}

export class PipelineError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly path: string | undefined;

  constructor(code: ErrorCode, message: string, options: PipelineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PipelineError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.path = options.path;
  }
}

export function isPipelineError(error: unknown): error is PipelineError {
  return error instanceof PipelineError;
}

/** Normalises anything thrown into a PipelineError, keeping the original as cause. */
export function toPipelineError(error: unknown, fallback: ErrorCode = 'INTERNAL'): PipelineError {
  if (error instanceof PipelineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PipelineError(fallback, message, { cause: error });
}

/** For a branch the types cannot rule out but the code does: reaching it is a bug, reported as INTERNAL. */
export function unreachable(what: string): never {
  throw new PipelineError('INTERNAL', `unreachable: ${what}`);
}
