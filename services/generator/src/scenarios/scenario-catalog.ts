import type { ScenarioContext, ScenarioKind, ScenarioSource } from '../model/scenario-source.js';
import { createIspoof } from './ispoof.js';
import { createCliRotation } from './cli-rotation.js';
import { createLowAndSlow } from './low-and-slow.js';
import { createBankCallCentre } from './bank-call-centre.js';
import { createNotificationRun } from './notification-run.js';
import { createRoamingMobiles } from './roaming-mobiles.js';
import { createHeavyHuman } from './heavy-human.js';
import { createSmallPbx } from './small-pbx.js';
import { createCampaign } from './campaign.js';
import { createLegitInterconnect } from './legit-interconnect.js';
import { createContactCentre } from './contact-centre.js';
import { createSchoolRun } from './school-run.js';
import { createLowVolumeTrunks } from './low-volume-trunks.js';
import { PipelineError } from '@telfraud/core';

export interface ScenarioDefinition {
  name: string;
  kind: ScenarioKind;
  /** Short tag used in call ids. */
  tag: string;
  /** Default [start offset, duration] as fractions of a bounded run, so short and long runs both show every scenario. */
  defaultWindow: readonly [number, number];
  /** Rough call+SMS events per minute at intensity 1, to size a run given as an event count. */
  approxEventsPerMin: number;
  create(ctx: ScenarioContext): ScenarioSource;
}

/** Every named scenario (background is always on and configured by its rate). Order is the output's label order. */
export const SCENARIOS: readonly ScenarioDefinition[] = [
  { name: 'ispoof', kind: 'fraud', tag: 'isp', defaultWindow: [0.25, 0.5], approxEventsPerMin: 200, create: createIspoof },
  { name: 'cli-rotation', kind: 'fraud', tag: 'rot', defaultWindow: [0.35, 0.3], approxEventsPerMin: 185, create: createCliRotation },
  { name: 'low-and-slow', kind: 'fraud', tag: 'las', defaultWindow: [0.1, 0.8], approxEventsPerMin: 7, create: createLowAndSlow },
  { name: 'bank-call-centre', kind: 'legit', tag: 'bcc', defaultWindow: [0.05, 0.9], approxEventsPerMin: 125, create: createBankCallCentre },
  { name: 'notification-run', kind: 'legit', tag: 'ntf', defaultWindow: [0.2, 0.6], approxEventsPerMin: 21, create: createNotificationRun },
  { name: 'roaming-mobiles', kind: 'legit', tag: 'rmg', defaultWindow: [0, 1], approxEventsPerMin: 11, create: createRoamingMobiles },
  { name: 'heavy-human', kind: 'legit', tag: 'hvy', defaultWindow: [0, 1], approxEventsPerMin: 11, create: createHeavyHuman },
  { name: 'small-pbx', kind: 'legit', tag: 'pbx', defaultWindow: [0, 1], approxEventsPerMin: 11, create: createSmallPbx },
  // Parameters drawn per seed (campaign.ts); SimulationOptions.campaigns pins styles and rates.
  { name: 'campaign', kind: 'fraud', tag: 'cmp', defaultWindow: [0.2, 0.6], approxEventsPerMin: 60, create: (ctx) => createCampaign(ctx, { name: 'campaign' }) },
  { name: 'legit-interconnect', kind: 'legit', tag: 'lic', defaultWindow: [0, 1], approxEventsPerMin: 300, create: createLegitInterconnect },
  { name: 'contact-centre', kind: 'legit', tag: 'ccd', defaultWindow: [0.05, 0.9], approxEventsPerMin: 130, create: createContactCentre },
  { name: 'school-run', kind: 'legit', tag: 'sch', defaultWindow: [0.1, 0.8], approxEventsPerMin: 20, create: createSchoolRun },
  { name: 'low-volume-trunks', kind: 'legit', tag: 'lvt', defaultWindow: [0, 1], approxEventsPerMin: 40, create: createLowVolumeTrunks },
];

export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function scenarioByName(name: string): ScenarioDefinition | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** `all`, `none`, or a comma list of names; throws naming the unknown ones and the valid choices. */
export function parseScenarioList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === 'all') return [...SCENARIO_NAMES];
  if (trimmed === 'none' || trimmed === '') return [];
  const names = [...new Set(trimmed.split(',').map((s) => s.trim()).filter((s) => s.length > 0))];
  const unknown = names.filter((n) => !scenarioByName(n));
  if (unknown.length > 0) throw new PipelineError('USAGE_INVALID', `unknown scenario(s) ${unknown.join(', ')}; expected all, none or a comma list of ${SCENARIO_NAMES.join(', ')}`);
  // Catalog order, so `a,b` and `b,a` produce the same file.
  return SCENARIO_NAMES.filter((n) => names.includes(n));
}
