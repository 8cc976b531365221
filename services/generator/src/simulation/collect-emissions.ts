import type { Emission } from '../model/traffic-engine.js';
import type { GroundTruthLabel } from '../model/label-tracker.js';
import { buildSimulation, type SimulationOptions } from './build-simulation.js';

export interface CollectedRun {
  emissions: Emission[];
  labels: GroundTruthLabel[];
}

/** Runs a (small) simulation to completion in memory: for tests and for callers embedding the generator. */
export function collectEmissions(options: SimulationOptions, maxEmissions = 5_000_000): CollectedRun {
  const { engine, labels } = buildSimulation(options);
  const emissions: Emission[] = [];
  for (let e = engine.next(); e && emissions.length < maxEmissions; e = engine.next()) {
    emissions.push(e);
    labels.observe(e);
  }
  return { emissions, labels: labels.labels() };
}
