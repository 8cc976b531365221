import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StoreError } from '../alert-store.js';

/**
 * The activity writer's metrics, apart from the sink's (`alert_sink_insert_failures_total` and
 * the lag gauge stay about alerts and victims). Labels never carry phone numbers or origins.
 */
export interface ActivityMetrics {
  consumed: Counter;
  /** Call events the writer could not read or that break the contract, by reason code. */
  undecodable: Counter<'reason'>;
  consumerLag: Gauge<'partition'>;
  observeInsert(rows: number, seconds: number): void;
  observeInsertFailure(error: StoreError, seconds: number): void;
  commitFailures: Counter;
  /** Where `alert_sink_activity_held_rows` reads its value at scrape time. */
  setHeldRowsSource(source: () => number): void;
}

export function createActivityMetrics(registry: Registry): ActivityMetrics {
  const registers = [registry];
  let heldRows: () => number = () => 0;
  const consumed = new Counter({ name: 'alert_sink_activity_records_consumed_total', help: 'Call events read by the activity writer', registers });
  const undecodable = new Counter({
    name: 'alert_sink_activity_records_undecodable_total',
    help: 'Call events the activity writer skipped as unreadable or contract-violating, by reason code (the detector parks them on its dead-letter topic)',
    labelNames: ['reason'], registers,
  });
  const consumerLag = new Gauge({
    name: 'alert_sink_activity_consumer_lag', help: 'Call events left in the partition after the activity writer\'s last fetched batch',
    labelNames: ['partition'], registers,
  });
  const rowsInserted = new Counter({ name: 'alert_sink_activity_rows_inserted_total', help: 'Rows stored in origin_activity', registers });
  const insertDuration = new Histogram({
    name: 'alert_sink_activity_insert_duration_seconds', help: 'Duration of origin_activity INSERT requests, by result (ok or error)',
    labelNames: ['result'], registers, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const insertFailures = new Counter({
    name: 'alert_sink_activity_insert_failures_total',
    help: 'Failed origin_activity INSERT attempts (each is retried), by pipeline error code and detail',
    labelNames: ['code', 'detail'], registers,
  });
  const commitFailures = new Counter({
    name: 'alert_sink_activity_commit_failures_total',
    help: 'Offset commits of stored activity the broker refused (the next flush commits further on)', registers,
  });
  new Gauge({
    name: 'alert_sink_activity_held_rows', help: 'Activity rows counted but not stored yet (their offsets are not committed)', registers,
    collect() {
      this.set(heldRows());
    },
  });
  return {
    consumed, undecodable, consumerLag, commitFailures,
    observeInsert(rows, seconds) {
      rowsInserted.inc(rows);
      insertDuration.observe({ result: 'ok' }, seconds);
    },
    observeInsertFailure(error, seconds) {
      insertFailures.inc({ code: error.code, detail: error.detail });
      insertDuration.observe({ result: 'error' }, seconds);
    },
    setHeldRowsSource(source) {
      heldRows = source;
    },
  };
}
