import { contractCheck, decodeRecords, type ConsumedRecord, type RecordDecoder, type RejectedRecord } from '@telfraud/common';
import type { Validated } from '@telfraud/core';

/** Turns a topic's consumed records into rows and rejects. */
export interface RowDecoder<R> {
  prepare(records: readonly ConsumedRecord[]): Promise<void>;
  decode(records: readonly ConsumedRecord[], insertedAtMs: number): { rows: R[]; rejected: RejectedRecord[] };
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
  decode(records: readonly ConsumedRecord[], insertedAtMs: number): { rows: R[]; rejected: RejectedRecord[] } {
    const { values, rejected } = decodeRecords(this.decoder, records, contractCheck(this.validate));
    return { rows: values.map((value) => this.toRow(value, insertedAtMs)), rejected };
  }
}
