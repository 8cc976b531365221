import { scenarioByName } from '../scenarios/scenario-catalog.js';
import type { ScenarioParams } from './scenario-params.js';
import { PipelineError } from '@telfraud/core';

/**
 * How long (simulated) a run must be to hold about `callEvents` call events, so that a run sized by
 * count still places every scenario's default window inside it. Background plus each scenario's rough
 * rate weighted by the share of the run it is active; close enough, since the run stops on the count.
 */
export function estimateHorizonMs(
  callEvents: number,
  backgroundRate: number,
  scenarios: readonly string[],
  params: ReadonlyMap<string, ScenarioParams> = new Map(),
): number {
  let perMin = backgroundRate * 60;
  for (const name of scenarios) {
    const def = scenarioByName(name);
    if (!def) continue;
    perMin += def.approxEventsPerMin * (params.get(name)?.intensity ?? 1) * def.defaultWindow[1];
  }
  if (perMin <= 0) throw new PipelineError('USAGE_INVALID', 'nothing to generate: background rate is 0 and no scenario is selected');
  return Math.max(60_000, Math.ceil(callEvents / perMin) * 60_000);
}
