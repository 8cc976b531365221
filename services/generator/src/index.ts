/** The generator as a library: for tests and tools that want traffic without files or Kafka. */
export { buildSimulation, type CampaignSpec, type Simulation, type SimulationOptions } from './simulation/build-simulation.js';
export { CAMPAIGN_STYLES, planCampaign, type AttestationMix, type CampaignOptions, type CampaignPlan, type CampaignStyle } from './scenarios/campaign.js';
export { Rng } from './model/prng.js';
export { collectEmissions, type CollectedRun } from './simulation/collect-emissions.js';
export { labelsDocument, DeliveryCounters, type LabelsDocument, type RunSummary } from './simulation/labels-document.js';
export { parseScenarioParams, parseDurationMs, resolveWindow, type ScenarioParams } from './simulation/scenario-params.js';
export { estimateHorizonMs } from './simulation/run-sizing.js';
export { SCENARIOS, SCENARIO_NAMES, parseScenarioList, type ScenarioDefinition } from './scenarios/scenario-catalog.js';
export { TrafficEngine, type Emission } from './model/traffic-engine.js';
export { LabelTracker, VICTIM_MIN_CONNECTED_MS, type GroundTruthLabel, type VictimCall } from './model/label-tracker.js';
export type { LabelEntity, ScenarioKind, EntityType } from './model/scenario-source.js';
export { DEFAULT_DELIVERY, type DeliveryConfig } from './model/delivery-perturbation.js';
export { BANKS, AGENCY_DNO, dnoEntries, type Bank } from './model/bank-directory.js';
export { NETWORK } from './model/network-plan.js';
export { ALLOWLIST, dnoCsv, allowlistCsv, networkJson } from './reference/reference-data.js';
export { writeReferenceDir } from './reference/reference-writer.js';
export { runToFiles, type FileRunOptions } from './cli/run-to-files.js';
export { generatorSettings, loadGeneratorConfig, type GeneratorConfig } from './config.js';
