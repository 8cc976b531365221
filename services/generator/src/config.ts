import {
  ConfigError, defineConfig, kafkaServiceSettings, loadConfig, type ConfigOf,
} from '@telfraud/common';
import { parseScenarioList, SCENARIO_NAMES } from './scenarios/scenario-catalog.js';
import { parseScenarioParams, type ScenarioParams } from './simulation/scenario-params.js';

/** The streaming generator's whole configuration, declared once (rendered into the README). */
export const generatorSettings = defineConfig({
  ...kafkaServiceSettings,
  rate: { env: 'GENERATOR_RATE', type: 'number', min: 0, max: 1_000_000, default: 50, doc: 'Background call events per simulated second (scenarios come on top)' },
  seed: { env: 'GENERATOR_SEED', type: 'int', min: 0, default: 1, doc: 'Random seed; ids also carry the start time, so restarts never reuse them' },
  scenarios: { env: 'GENERATOR_SCENARIOS', type: 'string', default: 'all', doc: `all, none, or a comma list of ${SCENARIO_NAMES.join(', ')}` },
  scenarioParams: {
    env: 'GENERATOR_SCENARIO_PARAMS', type: 'string', optional: true,
    doc: 'Per-scenario overrides, comma-separated NAME.start=DUR, NAME.duration=DUR, NAME.intensity=X, campaign.style=STYLE, campaign.rate=PER_MIN (simulated time; DUR like 90s, 5m)',
  },
  durationS: { env: 'GENERATOR_DURATION_S', type: 'int', min: 0, default: 0, doc: 'Wall-clock seconds to produce, then exit 0; 0 = until stopped' },
  campaignStartS: { env: 'GENERATOR_CAMPAIGN_START_S', type: 'int', min: 0, default: 60, doc: 'Wall-clock seconds of background only before the scenarios start' },
  timeScale: { env: 'GENERATOR_TIME_SCALE', type: 'number', min: 0.01, max: 10_000, default: 1, doc: 'Simulated seconds per wall-clock second (1 = event times are the wall clock)' },
  lateShare: { env: 'GENERATOR_LATE_SHARE', type: 'number', min: 0, max: 0.5, default: 0.02, doc: 'Share of records delivered 5 s to 2 min late' },
  duplicateShare: { env: 'GENERATOR_DUPLICATE_SHARE', type: 'number', min: 0, max: 0.5, default: 0.01, doc: 'Share of records delivered twice' },
  labelsFile: { env: 'GENERATOR_LABELS_FILE', type: 'string', optional: true, doc: 'Where to keep the ground-truth labels (rewritten every 10 s and at exit)' },
  httpPort: { env: 'GENERATOR_HTTP_PORT', type: 'int', min: 0, max: 65_535, default: 9103, doc: 'Port of /metrics, /healthz, /readyz' },
  batchIntervalMs: { env: 'GENERATOR_BATCH_MS', type: 'int', min: 10, max: 1_000, default: 50, doc: 'How often a batch is produced' },
  maxBatch: { env: 'GENERATOR_MAX_BATCH', type: 'int', min: 1, max: 1_000_000, default: 5_000, doc: 'Most records per batch (a backlog is worked off in several)' },
  callTopic: { env: 'GENERATOR_CALL_TOPIC', type: 'string', default: 'call-events', doc: 'Topic for call events (subject TOPIC-value)' },
  smsTopic: { env: 'GENERATOR_SMS_TOPIC', type: 'string', default: 'sms-events', doc: 'Topic for SMS events (subject TOPIC-value)' },
});

export type GeneratorConfig = ConfigOf<typeof generatorSettings> & {
  scenarioList: string[];
  params: Map<string, ScenarioParams>;
};

/** Loads and cross-checks the configuration; every bad key is reported in one ConfigError. */
export function loadGeneratorConfig(env: Record<string, string | undefined> = process.env): GeneratorConfig {
  const base = loadConfig('generator', generatorSettings, env);
  const problems = [];
  let scenarioList: string[] = [];
  let params = new Map<string, ScenarioParams>();
  try {
    scenarioList = parseScenarioList(base.scenarios);
  } catch (err) {
    problems.push({ key: 'scenarios', env: 'GENERATOR_SCENARIOS', value: base.scenarios, expected: (err as Error).message });
  }
  try {
    params = parseScenarioParams(base.scenarioParams ? [base.scenarioParams] : [], SCENARIO_NAMES);
  } catch (err) {
    problems.push({ key: 'scenarioParams', env: 'GENERATOR_SCENARIO_PARAMS', value: base.scenarioParams, expected: (err as Error).message });
  }
  if (base.rate === 0 && scenarioList.length === 0 && problems.length === 0) {
    problems.push({ key: 'rate', env: 'GENERATOR_RATE', value: '0', expected: 'a rate > 0 when GENERATOR_SCENARIOS is none' });
  }
  if (problems.length > 0) throw new ConfigError('generator', problems);
  return { ...base, scenarioList, params };
}
