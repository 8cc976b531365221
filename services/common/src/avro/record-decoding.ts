import { PipelineError, toPipelineError } from '../errors.js';
import type { ConsumedRecord } from '../kafka/kafka-port.js';

/** What a consumer needs of an AvroTopicCodec: fetch a batch's writer schemas, then decode synchronously. */
export interface RecordDecoder<T = unknown> {
  prepare(buffers: Iterable<Buffer | null>): Promise<void>;
  decode(buffer: Buffer | null): T;
}

/** A record that cannot be processed and why: what DeadLetterPublisher.park takes. */
export interface RejectedRecord {
  record: ConsumedRecord;
  error: PipelineError;
}

/**
 * Decodes each record of a prepared batch and passes the value through `check`, which returns what
 * the service works with or throws (a PipelineError such as CONTRACT_VIOLATION naming the field).
 * A record that fails either step is rejected with its reason (DECODE_FAILED unless the error names
 * another), ready for the dead-letter topic; nothing is thrown for a bad record. Order is kept.
 */
export function decodeRecords<T, V>(
  decoder: RecordDecoder<T>,
  records: readonly ConsumedRecord[],
  check: (value: T) => V,
): { values: V[]; rejected: RejectedRecord[] } {
  const values: V[] = [];
  const rejected: RejectedRecord[] = [];
  for (const record of records) {
    try {
      values.push(check(decoder.decode(record.value)));
    } catch (err) {
      rejected.push({ record, error: toPipelineError(err, 'DECODE_FAILED') });
    }
  }
  return { values, rejected };
}

/** What a contract validator returns (core's `Validated`), described here so common need not depend on core. */
export type ContractResult<T> = { ok: true; value: T } | { ok: false; violation: { path: string; message: string } };

/** The checked value, or a CONTRACT_VIOLATION naming the field (what the dead-letter reason carries). */
export function contractValue<T>(result: ContractResult<T>): T {
  if (!result.ok) throw new PipelineError('CONTRACT_VIOLATION', result.violation.message, { path: result.violation.path });
  return result.value;
}

/** A contract validator as a `check` for decodeRecords. */
export function contractCheck<T>(validate: (value: unknown) => ContractResult<T>): (value: unknown) => T {
  return (value) => contractValue(validate(value));
}
