import { Rng } from '../model/prng.js';
import { IdFactory } from '../model/sim-record.js';
import { DEFAULT_DELIVERY, type DeliveryConfig } from '../model/delivery-perturbation.js';
import { LabelTracker } from '../model/label-tracker.js';
import { TrafficEngine } from '../model/traffic-engine.js';
import type { ScenarioSource } from '../model/scenario-source.js';
import { createBackground } from '../scenarios/background.js';
import { scenarioByName } from '../scenarios/scenario-catalog.js';
import { createCampaign, type CampaignOptions } from '../scenarios/campaign.js';
import { resolveWindow, type RunShape, type ScenarioParams } from './scenario-params.js';
import { PipelineError } from '@telfraud/core';

export interface SimulationOptions extends RunShape {
  seed: number;
  /** Background call events per simulated second; 0 turns the background off. */
  backgroundRate: number;
  /** Named scenarios to run (see scenario-catalog.ts). */
  scenarios: readonly string[];
  params?: ReadonlyMap<string, ScenarioParams>;
  /** The background keeps going past the horizon (a run cut by event count instead of time). */
  openEnded?: boolean;
  delivery?: Partial<DeliveryConfig>;
  /** Extra campaigns, each with its own name, trunk and pinned parameters (after the named scenarios). */
  campaigns?: readonly CampaignSpec[];
}

/** A campaign pinned as far as its options say; it starts `startMs` into the run (default: a fifth in). */
export interface CampaignSpec extends CampaignOptions {
  startMs?: number;
}

export interface Simulation {
  engine: TrafficEngine;
  labels: LabelTracker;
  /** Prefix of every id in the run: distinct per seed and start time. */
  runTag: string;
}

/** Wires the chosen scenarios into one deterministic engine; pure: the same options give the same stream. */
export function buildSimulation(options: SimulationOptions): Simulation {
  const root = new Rng(`telfraud-generator:${options.seed}`);
  const runTag = `g${options.seed}-${options.startTs.toString(36)}`;
  const sources: ScenarioSource[] = [];
  if (options.backgroundRate > 0) {
    const end = options.openEnded ? Number.POSITIVE_INFINITY : options.startTs + options.horizonMs;
    sources.push(createBackground(
      { rng: root.fork('background'), ids: new IdFactory(`${runTag}-bg`), window: { start: options.startTs, end }, intensity: 1 },
      options.backgroundRate,
    ));
  }
  for (const name of options.scenarios) {
    const def = scenarioByName(name);
    if (!def) throw new PipelineError('USAGE_INVALID', `unknown scenario ${name}`);
    const params = options.params?.get(name) ?? {};
    const ctx = {
      rng: root.fork(name),
      ids: new IdFactory(`${runTag}-${def.tag}`),
      window: resolveWindow(def.defaultWindow, params, options),
      intensity: params.intensity ?? 1,
    };
    // The campaign's style, rate and length may be pinned by parameters; the rest is drawn per seed.
    sources.push(name === 'campaign'
      ? createCampaign(ctx, {
          name,
          ...(params.style ? { style: params.style } : {}),
          ...(params.rate ? { perMinute: params.rate } : {}),
          ...(params.durationMs ? { durationMs: params.durationMs } : {}),
        })
      : def.create(ctx));
  }
  for (const spec of options.campaigns ?? []) {
    const { startMs, ...campaign } = spec;
    const window = resolveWindow([0.2, 0.8], { startMs, durationMs: campaign.durationMs }, options);
    sources.push(createCampaign(
      { rng: root.fork(`campaign:${spec.name}`), ids: new IdFactory(`${runTag}-cmp-${spec.name}`), window, intensity: 1 },
      campaign,
    ));
  }
  const engine = new TrafficEngine(sources, { ...DEFAULT_DELIVERY, ...options.delivery }, root.fork('delivery'));
  return { engine, labels: new LabelTracker(engine.scenarios), runTag };
}
