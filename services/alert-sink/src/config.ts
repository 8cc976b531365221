import { checkConfig, clickhouseSettings, ConfigError, defineConfig, kafkaServiceSettings, type ConfigOf, type ConfigProblem } from '@telfraud/common';
import { ACTIVITY_FIELDS, isActivityField, type ActivityField } from './activity/minute-activity.js';

/** The alert sink's whole configuration, declared once; `process.env` is read only through it. */
export const alertSinkSettings = defineConfig({
  ...kafkaServiceSettings,
  ...clickhouseSettings,
  clickhouseDatabase: { ...clickhouseSettings.clickhouseDatabase, doc: 'Database holding the `alerts` and `victim_exposures` tables' },
  clickhouseRequestTimeoutMs: { ...clickhouseSettings.clickhouseRequestTimeoutMs, doc: 'Timeout of one ClickHouse request; a timed-out insert is retried' },
  groupId: { env: 'SINK_GROUP_ID', type: 'string', default: 'alert-sink', doc: 'Kafka consumer group of the sink' },
  batchMaxRows: {
    env: 'SINK_BATCH_MAX_ROWS', type: 'int', min: 1, max: 1_000_000, default: 20_000,
    doc: 'An insert batch closes at this many rows (also the largest single INSERT); rows of many fetches and partitions share it',
  },
  batchMaxBytes: {
    env: 'SINK_BATCH_MAX_BYTES', type: 'int', min: 1_024, max: 1_073_741_824, default: 16_777_216,
    doc: 'An insert batch also closes once the consumed records behind its rows reach this many bytes (Avro; the JSON sent is about twice that)',
  },
  flushIntervalMs: {
    env: 'SINK_FLUSH_INTERVAL_MS', type: 'int', min: 0, max: 60_000, default: 20,
    doc: 'An insert batch closes this long after its first row (later only while every INSERT slot is busy: under load batches grow)',
  },
  concurrentInserts: {
    env: 'SINK_CONCURRENT_INSERTS', type: 'int', min: 1, max: 16, default: 2,
    doc: 'Insert batches stored at once; reading stops while one more closed batch waits for them. Offsets are committed in batch order once stored',
  },
  concurrentBatches: {
    env: 'SINK_CONCURRENT_BATCHES', type: 'int', min: 1, max: 64, default: 6,
    doc: 'Consumed batches of different partitions decoded at once (each resolves once the batcher has its rows)',
  },
  retryInitialMs: { env: 'SINK_RETRY_INITIAL_MS', type: 'int', min: 10, max: 60_000, default: 250, doc: 'First back-off after a failed insert' },
  retryMaxMs: { env: 'SINK_RETRY_MAX_MS', type: 'int', min: 10, max: 600_000, default: 30_000, doc: 'Cap of the exponential insert back-off' },
  alertTopic: { env: 'SINK_ALERT_TOPIC', type: 'string', default: 'fraud-alerts', doc: 'Topic of alerts to store' },
  victimTopic: { env: 'SINK_VICTIM_TOPIC', type: 'string', default: 'victim-exposures', doc: 'Topic of victim exposures to store' },
  activityEnabled: {
    env: 'ALERT_SINK_ACTIVITY_ENABLED', type: 'bool', default: true,
    doc: 'Run the activity writer: per-minute call attempts and answers per origin into `origin_activity` (the SOC console\'s chart)',
  },
  activityTopic: { env: 'ALERT_SINK_ACTIVITY_TOPIC', type: 'string', default: 'call-events', doc: 'Call-event topic the activity writer reads' },
  activityGroupId: { env: 'ALERT_SINK_ACTIVITY_GROUP_ID', type: 'string', default: 'alert-sink-activity', doc: 'Kafka consumer group of the activity writer (its own, apart from the sink\'s)' },
  activityFields: {
    env: 'ALERT_SINK_ACTIVITY_FIELDS', type: 'list', minItems: 1, default: ['ingress_trunk', 'calling_number'],
    doc: `Call-event fields whose values are the origins counted (\`entity_type\` in \`origin_activity\`); any of ${ACTIVITY_FIELDS.join(', ')}`,
  },
  activityFlushMs: {
    env: 'ALERT_SINK_ACTIVITY_FLUSH_MS', type: 'int', min: 100, max: 600_000, default: 5_000,
    doc: 'The activity writer inserts its counts this often, then commits the offsets they came from',
  },
  activityMaxRows: {
    env: 'ALERT_SINK_ACTIVITY_MAX_ROWS', type: 'int', min: 1, max: 1_000_000, default: 50_000,
    doc: 'The activity writer flushes early when it holds this many (origin, minute) rows, and stops reading while such a flush is retried',
  },
  httpPort: { env: 'ALERT_SINK_HTTP_PORT', type: 'int', min: 0, max: 65_535, default: 9102, doc: 'Port of /metrics, /healthz, /readyz' },
});

export type AlertSinkConfig = Omit<ConfigOf<typeof alertSinkSettings>, 'activityFields'> & { readonly activityFields: readonly ActivityField[] };

/** The list setting checks the shape; which field names are allowed is checked here, in the same report. */
function activityFieldsProblem(env: Record<string, string | undefined>): ConfigProblem | undefined {
  const { env: name } = alertSinkSettings.activityFields;
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const unknown = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0 && !isActivityField(s));
  if (unknown.length === 0) return undefined;
  return { key: 'activityFields', env: name, value: raw, expected: `a comma-separated list of ${ACTIVITY_FIELDS.join(', ')} (unknown: ${unknown.join(', ')})` };
}

export function loadAlertSinkConfig(env: Record<string, string | undefined> = process.env): AlertSinkConfig {
  const fields = activityFieldsProblem(env);
  const { config, problems } = checkConfig('alert-sink', alertSinkSettings, env);
  if (fields) problems.push(fields);
  if (problems.length > 0 || !config) throw new ConfigError('alert-sink', problems);
  return { ...config, activityFields: [...new Set(config.activityFields.filter(isActivityField))] };
}
