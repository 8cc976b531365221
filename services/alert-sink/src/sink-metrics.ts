import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StoreError } from './alert-store.js';
import type { SinkTable } from './rows.js';
import type { InsertObserver } from './sink-batcher.js';

/** The sink's metrics, on the service's own registry. Labels never carry phone numbers or ids. */
export interface SinkMetrics {
  consumed: Counter<'topic'>;
  /** Shared name: Prometheus alert rules watch `fraud_events_rejected_total{topic,reason}`. */
  rejected: Counter<'topic' | 'reason'>;
  rowsInserted: Counter<'table'>;
  insertBatchRows: Histogram<'table'>;
  insertDuration: Histogram<'table' | 'result'>;
  insertFailures: Counter<'table' | 'code' | 'detail'>;
  consumerLag: Gauge<'topic' | 'partition'>;
  observer: InsertObserver;
  /** Where the `alert_sink_held_rows` gauge reads its value at scrape time. */
  setHeldRowsSource(source: () => number): void;
}

export function createSinkMetrics(registry: Registry): SinkMetrics {
  const registers = [registry];
  let heldRows: () => number = () => 0;
  const consumed = new Counter({ name: 'alert_sink_records_consumed_total', help: 'Kafka records consumed, by topic', labelNames: ['topic'], registers });
  const rejected = new Counter({
    name: 'fraud_events_rejected_total', help: 'Records parked on the dead-letter topic, by source topic and reason code',
    labelNames: ['topic', 'reason'], registers,
  });
  const rowsInserted = new Counter({ name: 'alert_sink_rows_inserted_total', help: 'Rows stored in ClickHouse, by table', labelNames: ['table'], registers });
  const insertBatchRows = new Histogram({
    name: 'alert_sink_insert_batch_rows', help: 'Rows per successful INSERT, by table', labelNames: ['table'], registers,
    buckets: [1, 10, 100, 1_000, 5_000, 10_000, 50_000, 100_000],
  });
  const insertDuration = new Histogram({
    name: 'alert_sink_insert_duration_seconds', help: 'Duration of INSERT requests, by table and result (ok or error)',
    labelNames: ['table', 'result'], registers, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const insertFailures = new Counter({
    name: 'alert_sink_insert_failures_total',
    help: 'Failed INSERT attempts (each is retried), by table, pipeline error code and detail (CH_<n>, ECONNREFUSED, TIMEOUT, ...)',
    labelNames: ['table', 'code', 'detail'], registers,
  });
  const consumerLag = new Gauge({
    name: 'alert_sink_consumer_lag', help: 'Messages left in the partition after the last fetched batch',
    labelNames: ['topic', 'partition'], registers,
  });
  new Gauge({
    name: 'alert_sink_held_rows', help: 'Rows waiting for or in an INSERT (their offsets are not committed yet)', registers,
    collect() {
      this.set(heldRows());
    },
  });
  const observer: InsertObserver = {
    inserted(table: SinkTable, rows: number, seconds: number) {
      rowsInserted.inc({ table }, rows);
      insertBatchRows.observe({ table }, rows);
      insertDuration.observe({ table, result: 'ok' }, seconds);
    },
    failed(table: SinkTable, error: StoreError, seconds: number) {
      insertFailures.inc({ table, code: error.code, detail: error.detail });
      insertDuration.observe({ table, result: 'error' }, seconds);
    },
  };
  return {
    consumed, rejected, rowsInserted, insertBatchRows, insertDuration, insertFailures, consumerLag, observer,
    setHeldRowsSource(source) {
      heldRows = source;
    },
  };
}
