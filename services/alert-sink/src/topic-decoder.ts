import { PipelineError, toPipelineError, type ConsumedRecord } from '@telfraud/common';
import type { Validated } from '@telfraud/core';

/** What the sink needs of an AvroTopicCodec: fetch writer schemas, then decode synchronously. */
export interface RecordDecoder {
  prepare(buffers: Iterable<Buffer | null>): Promise<void>;
  decode(buffer: Buffer | null): unknown;
}

export interface Rejected {
  record: ConsumedRecord;
  error: PipelineError;
}

/** Turns a topic's consumed records into rows and rejects. */
export interface RowDecoder<R> {
  prepare(records: readonly ConsumedRecord[]): Promise<void>;
  decode(records: readonly ConsumedRecord[], insertedAtMs: number): { rows: R[]; rejected: Rejected[] };
}

/** How one topic's records become rows: decode (Avro), check the contract, map to a row. */
export class TopicDecoder<V, R> implements RowDecoder<R> {
  constructor(
    private readonly decoder: RecordDecoder,
    private readonly validate: (value: unknown) => Validated<V>,
    private readonly toRow: (value: V, insertedAtMs: number) => R,
  ) {}

  /** Writer schemas for the batch; throws REGISTRY_UNAVAILABLE (retryable) when the registry is down. */
  prepare(records: readonly ConsumedRecord[]): Promise<void> {
    return this.decoder.prepare(records.map((r) => r.value));
  }

  /** Splits a prepared batch into rows and rejects; never throws for a bad record. */
  decode(records: readonly ConsumedRecord[], insertedAtMs: number): { rows: R[]; rejected: Rejected[] } {
    const rows: R[] = [];
    const rejected: Rejected[] = [];
    for (const record of records) {
      let value: unknown;
      try {
        value = this.decoder.decode(record.value);
      } catch (err) {
        rejected.push({ record, error: toPipelineError(err, 'DECODE_FAILED') });
        continue;
      }
      const checked = this.validate(value);
      if (!checked.ok) {
        const { path, message } = checked.violation;
        rejected.push({ record, error: new PipelineError('CONTRACT_VIOLATION', message, { path }) });
        continue;
      }
      rows.push(this.toRow(checked.value, insertedAtMs));
    }
    return { rows, rejected };
  }
}
