import { clickhouseSettings, defineConfig, kafkaSettings, loadConfig, registrySettings, serviceSettings, type ConfigOf } from '@telfraud/common';

/** The alert sink's whole configuration, declared once; `process.env` is read only through it. */
export const alertSinkSettings = defineConfig({
  ...kafkaSettings,
  ...registrySettings,
  ...serviceSettings,
  ...clickhouseSettings,
  clickhouseDatabase: { ...clickhouseSettings.clickhouseDatabase, doc: 'Database holding the `alerts` and `victim_exposures` tables' },
  clickhouseRequestTimeoutMs: { ...clickhouseSettings.clickhouseRequestTimeoutMs, doc: 'Timeout of one ClickHouse request; a timed-out insert is retried' },
  groupId: { env: 'SINK_GROUP_ID', type: 'string', default: 'alert-sink', doc: 'Kafka consumer group of the sink' },
  batchMaxRows: {
    env: 'SINK_BATCH_MAX_ROWS', type: 'int', min: 1, max: 1_000_000, default: 10_000,
    doc: 'Flush as soon as this many rows wait (also the largest single INSERT)',
  },
  flushIntervalMs: {
    env: 'SINK_FLUSH_INTERVAL_MS', type: 'int', min: 0, max: 60_000, default: 20,
    doc: 'Longest a row waits for more rows before it is flushed',
  },
  concurrentBatches: {
    env: 'SINK_CONCURRENT_BATCHES', type: 'int', min: 1, max: 64, default: 6,
    doc: 'Batches of different partitions handled at once; their rows share one INSERT, so fetching does not stop for every INSERT of one batch',
  },
  retryInitialMs: { env: 'SINK_RETRY_INITIAL_MS', type: 'int', min: 10, max: 60_000, default: 250, doc: 'First back-off after a failed insert' },
  retryMaxMs: { env: 'SINK_RETRY_MAX_MS', type: 'int', min: 10, max: 600_000, default: 30_000, doc: 'Cap of the exponential insert back-off' },
  alertTopic: { env: 'SINK_ALERT_TOPIC', type: 'string', default: 'fraud-alerts', doc: 'Topic of alerts to store' },
  victimTopic: { env: 'SINK_VICTIM_TOPIC', type: 'string', default: 'victim-exposures', doc: 'Topic of victim exposures to store' },
  httpPort: { env: 'ALERT_SINK_HTTP_PORT', type: 'int', min: 0, max: 65_535, default: 9102, doc: 'Port of /metrics, /healthz, /readyz' },
});

export type AlertSinkConfig = ConfigOf<typeof alertSinkSettings>;

export function loadAlertSinkConfig(env: Record<string, string | undefined> = process.env): AlertSinkConfig {
  return loadConfig('alert-sink', alertSinkSettings, env);
}
