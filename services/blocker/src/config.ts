import {
  checkConfig, clickhouseSettings, ConfigError, defineConfig, kafkaServiceSettings, loadConfig, type ConfigOf, type ConfigProblem,
} from '@telfraud/common';
import { loadTargetsFile, MIN_SECRET_LENGTH, targetsFromUrls, urlProblem, type HookTarget } from './webhook-targets.js';

/** The blocker's whole configuration, declared once; `process.env` is read only through it. */
export const blockerSettings = defineConfig({
  ...kafkaServiceSettings,
  httpPort: { env: 'BLOCKER_HTTP_PORT', type: 'int', min: 0, max: 65_535, default: 9104, doc: 'Port of /metrics, /healthz, /readyz and the operator API' },
  groupId: { env: 'BLOCKER_GROUP_ID', type: 'string', default: 'blocker', doc: 'Kafka consumer group of the blocker (run one instance)' },
  alertTopic: { env: 'BLOCKER_ALERT_TOPIC', type: 'string', default: 'fraud-alerts', doc: 'Alert topic consumed (Avro, contract section 4)' },
  actionTopic: { env: 'BLOCKER_ACTION_TOPIC', type: 'string', default: 'block-actions', doc: 'Every action carried out, as JSON; also the journal replayed at start-up' },
  deadLetterTopic: { env: 'BLOCKER_DEAD_LETTER_TOPIC', type: 'string', default: 'block-actions-dlq', doc: 'Actions a webhook target did not accept after the last try' },
  fromBeginning: { env: 'BLOCKER_FROM_BEGINNING', type: 'bool', default: false, doc: 'A new consumer group starts at the earliest alert (old alerts are then judged stale by their expiry)' },
  policyFile: { env: 'BLOCKER_POLICY_FILE', type: 'string', optional: true, doc: 'JSON blocking policy; the shipped policy/default-policy.json when unset' },
  referenceDir: { env: 'BLOCKER_REFERENCE_DIR', type: 'string', optional: true, doc: 'Reference directory whose allowlist.csv is never blocked (contract section 3)' },
  dryRun: { env: 'BLOCKER_DRY_RUN', type: 'bool', default: true, doc: 'Record what would be done, send and emit nothing. On by default: turn off deliberately' },
  webhookUrls: {
    env: 'BLOCKER_WEBHOOK_URLS', type: 'list', default: [],
    doc: 'Hook targets, comma-separated, all signing with BLOCKER_WEBHOOK_SECRET (one receiver, or local tests; several receivers: BLOCKER_WEBHOOK_TARGETS_FILE); https, or http to loopback only; empty = block-actions topic only',
  },
  webhookSecret: { env: 'BLOCKER_WEBHOOK_SECRET', type: 'string', optional: true, secret: true, doc: 'HMAC-SHA256 signing secret (at least 16 characters) of BLOCKER_WEBHOOK_URLS, key id `default`; required when they are set' },
  webhookTargetsFile: {
    env: 'BLOCKER_WEBHOOK_TARGETS_FILE', type: 'string', optional: true,
    doc: 'JSON file of hook targets, each with its own id, URL (https, or http to loopback) and one or two keys (two during a rotation) whose secrets come from files or environment variables (README, "Hook targets"); instead of BLOCKER_WEBHOOK_URLS',
  },
  webhookTimeoutMs: { env: 'BLOCKER_WEBHOOK_TIMEOUT_MS', type: 'int', min: 100, max: 120_000, default: 5_000, doc: 'Timeout of one webhook request' },
  webhookMaxAttempts: { env: 'BLOCKER_WEBHOOK_MAX_ATTEMPTS', type: 'int', min: 1, max: 100, default: 8, doc: 'Tries per target before the action goes to the dead-letter topic' },
  webhookRetryInitialMs: { env: 'BLOCKER_WEBHOOK_RETRY_INITIAL_MS', type: 'int', min: 10, max: 60_000, default: 500, doc: 'First back-off between tries (doubles, with jitter)' },
  webhookRetryMaxMs: { env: 'BLOCKER_WEBHOOK_RETRY_MAX_MS', type: 'int', min: 10, max: 600_000, default: 30_000, doc: 'Cap of the back-off between tries' },
  operatorToken: { env: 'BLOCKER_OPERATOR_TOKEN', type: 'string', optional: true, secret: true, doc: 'Bearer token of the operator API (at least 16 characters); the API answers 503 when unset' },
  breakerMaxPerMinute: { env: 'BLOCKER_BREAKER_MAX_PER_MINUTE', type: 'int', min: 1, max: 100_000, default: 20, doc: 'More new blocks than this in a sliding minute trips the circuit breaker' },
  expiryCheckMs: { env: 'BLOCKER_EXPIRY_CHECK_MS', type: 'int', min: 100, max: 60_000, default: 1_000, doc: 'How often expired blocks are looked for and lifted' },
  journalTimeoutMs: { env: 'BLOCKER_JOURNAL_TIMEOUT_MS', type: 'int', min: 1_000, max: 600_000, default: 60_000, doc: 'Longest the start-up replay of the action topic may take' },
  ...clickhouseSettings,
  clickhouseUrl: { ...clickhouseSettings.clickhouseUrl, doc: 'ClickHouse HTTP interface (audit)' },
  clickhouseDatabase: { ...clickhouseSettings.clickhouseDatabase, doc: 'Database holding `block_audit` and `block_deliveries`' },
});

/** The declared settings, plus the hook targets they name (resolved and checked at start-up). */
export type BlockerConfig = ConfigOf<typeof blockerSettings> & { webhookTargets: readonly HookTarget[] };

type CrossChecked = Pick<ConfigOf<typeof blockerSettings>, 'webhookUrls' | 'webhookSecret' | 'webhookTargetsFile' | 'operatorToken' | 'webhookRetryInitialMs' | 'webhookRetryMaxMs'>;

/** Checks across keys that the declaration cannot express, reported like any other bad key; and the hook targets. */
function crossChecks(config: CrossChecked, env: Record<string, string | undefined>): { problems: ConfigProblem[]; targets: HookTarget[] } {
  const problems: ConfigProblem[] = [];
  const s = blockerSettings;
  for (const url of config.webhookUrls) {
    const bad = urlProblem(url);
    if (bad) problems.push({ key: 'webhookUrls', env: s.webhookUrls.env, value: url, expected: bad });
  }
  let targets: HookTarget[] = [];
  if (config.webhookTargetsFile !== undefined) {
    if (config.webhookUrls.length > 0) {
      problems.push({ key: 'webhookUrls', env: s.webhookUrls.env, value: config.webhookUrls.join(','), expected: `unset when ${s.webhookTargetsFile.env} is set` });
    }
    const loaded = loadTargetsFile(config.webhookTargetsFile, env);
    problems.push(...loaded.problems);
    targets = loaded.targets;
  } else if (problems.length === 0 && (config.webhookSecret ?? '').length >= MIN_SECRET_LENGTH) {
    targets = targetsFromUrls(config.webhookUrls, config.webhookSecret ?? '');
  }
  if (config.webhookUrls.length > 0 && (config.webhookSecret ?? '').length < MIN_SECRET_LENGTH) {
    problems.push({
      key: 'webhookSecret', env: s.webhookSecret.env, value: config.webhookSecret === undefined ? undefined : '***',
      expected: `a secret of at least ${MIN_SECRET_LENGTH} characters (required when ${s.webhookUrls.env} is set)`,
    });
  }
  if (config.operatorToken !== undefined && config.operatorToken.length < MIN_SECRET_LENGTH) {
    problems.push({ key: 'operatorToken', env: s.operatorToken.env, value: '***', expected: `a token of at least ${MIN_SECRET_LENGTH} characters` });
  }
  if (config.webhookRetryMaxMs < config.webhookRetryInitialMs) {
    problems.push({ key: 'webhookRetryMaxMs', env: s.webhookRetryMaxMs.env, value: String(config.webhookRetryMaxMs), expected: `>= ${s.webhookRetryInitialMs.env}` });
  }
  return { problems, targets };
}

/** Loads and validates; per-key and cross-key problems are reported together in one ConfigError. */
export function loadBlockerConfig(env: Record<string, string | undefined> = process.env): BlockerConfig {
  const { webhookUrls, webhookSecret, webhookTargetsFile, operatorToken, webhookRetryInitialMs, webhookRetryMaxMs } = blockerSettings;
  let cross: ConfigProblem[] = [];
  let webhookTargets: HookTarget[] = [];
  try {
    ({ problems: cross, targets: webhookTargets } = crossChecks(
      loadConfig('blocker', { webhookUrls, webhookSecret, webhookTargetsFile, operatorToken, webhookRetryInitialMs, webhookRetryMaxMs }, env), env,
    ));
  } catch {
    // Those keys' own problems are reported by the full load below.
  }
  const { config, problems } = checkConfig('blocker', blockerSettings, env);
  if (problems.length > 0 || cross.length > 0 || !config) throw new ConfigError('blocker', [...problems, ...cross]);
  return { ...config, webhookTargets };
}
