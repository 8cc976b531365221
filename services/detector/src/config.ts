import { defineConfig, kafkaServiceSettings, loadConfig, type ConfigOf } from '@telfraud/common';

/** The detector's whole configuration, declared once: validated at start-up and rendered into the README. */
export const detectorConfig = defineConfig({
  ...kafkaServiceSettings,
  httpPort: { env: 'DETECTOR_HTTP_PORT', type: 'int', min: 0, max: 65535, default: 9101, doc: 'Port of /metrics, /healthz, /readyz' },
  groupId: { env: 'DETECTOR_GROUP_ID', type: 'string', default: 'detector', doc: 'Consumer group shared by detector instances' },
  callTopic: { env: 'DETECTOR_CALL_TOPIC', type: 'string', default: 'call-events', doc: 'Call-event topic' },
  smsTopic: { env: 'DETECTOR_SMS_TOPIC', type: 'string', default: 'sms-events', doc: 'SMS-event topic (`none` disables the SMS stream and OTP correlation)' },
  alertTopic: { env: 'DETECTOR_ALERT_TOPIC', type: 'string', default: 'fraud-alerts', doc: 'Where alerts are produced' },
  victimTopic: { env: 'DETECTOR_VICTIM_TOPIC', type: 'string', default: 'victim-exposures', doc: 'Where victim exposures are produced' },
  rulesFile: { env: 'DETECTOR_RULES_FILE', type: 'string', optional: true, doc: 'JSON or YAML rule pack; the built-in default pack when unset. Watched and hot-reloaded' },
  rulesPollMs: { env: 'DETECTOR_RULES_POLL_MS', type: 'int', min: 100, default: 2000, doc: 'How often the rule pack file is checked for changes' },
  referenceDir: { env: 'DETECTOR_REFERENCE_DIR', type: 'string', optional: true, doc: 'Reference data directory (dno.csv, allowlist.csv, network.json)' },
  maxFutureSkewMs: { env: 'DETECTOR_MAX_FUTURE_SKEW_MS', type: 'int', min: 0, default: 600000, doc: 'Events dated further ahead of the wall clock are rejected (they would push the watermark)' },
  maxBytesPerPartition: {
    env: 'DETECTOR_MAX_BYTES_PER_PARTITION', type: 'int', min: 1024, max: 52_428_800, default: 65_536,
    doc: 'Fetch size per partition. Small fetches keep partitions advancing together in event time, so catching up on a backlog does not push the watermark past other partitions',
  },
  progressPollMs: {
    env: 'DETECTOR_PROGRESS_POLL_MS', type: 'int', min: 100, default: 1_000,
    doc: 'How often partition end offsets are read to know which partitions are still catching up (they hold the watermark back)',
  },
  partitionIdleMs: {
    env: 'DETECTOR_PARTITION_IDLE_MS', type: 'int', min: 0, max: 600_000, default: 3_000,
    doc: 'A partition at its end stops holding the event-time watermark back only after delivering nothing for this long (a just-read partition may already have more)',
  },
  routing: {
    env: 'DETECTOR_ROUTING', type: 'enum', values: ['direct', 'keyed'] as const, default: 'direct',
    doc: '`direct`: one instance reads the event topics and runs every rule (exact only while it holds all partitions). `keyed`: each instance also routes the events it reads to the keyed topic by every key the rules count on, and detects on the keyed partitions it is assigned, so several instances share the work with exact per-origin counts (see Scaling out)',
  },
  keyedTopic: { env: 'DETECTOR_KEYED_TOPIC', type: 'string', default: 'call-events-by-key', doc: 'Keyed routing: the repartition topic, keyed by route and entity (created beforehand, as many partitions as instances may share)' },
  instanceId: {
    env: 'DETECTOR_INSTANCE_ID', type: 'string', optional: true,
    doc: 'Keyed routing: names this instance\'s private reader of the alerts topic (default: host name and process id)',
  },
  fromBeginning: { env: 'DETECTOR_FROM_BEGINNING', type: 'bool', default: false, doc: 'A new consumer group starts at the earliest offset' },
  rewindMs: {
    env: 'DETECTOR_REWIND_MS', type: 'int', min: 0, max: 7 * 24 * 3_600_000, optional: true,
    doc: 'On partition assignment, window state is rebuilt by re-reading each partition from this long (broker time) before its committed position, without re-emitting. Unset: the rule pack\'s longest window (or victim look-back) plus allowed lateness; 0: no rewind',
  },
});

export type DetectorConfig = ConfigOf<typeof detectorConfig>;

/** Throws a ConfigError naming every bad key. */
export function loadDetectorConfig(env: Record<string, string | undefined> = process.env): DetectorConfig {
  return loadConfig('detector', detectorConfig, env);
}
