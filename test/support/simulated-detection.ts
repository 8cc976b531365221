/**
 * The generator's simulated traffic run in-process through one detection engine, as the labelled
 * scenario tests, the detection matrix and the false-positive scans all need it: no I/O.
 */
import {
  DEFAULT_RULE_PACK, DetectionEngine, parseAllowlistCsv, parseDnoCsv, parseNetworkJson,
  type Alert, type EngineOutput, type ReferenceData, type RulePack, type VictimExposure,
} from '@telfraud/core';
import { allowlistCsv, buildSimulation, dnoCsv, networkJson, type SimulationOptions } from '@telfraud/generator';
import type { ScoringLabel } from './label-scoring.js';

export interface SimulatedDetection {
  /** Each alert as first emitted (its detection time), in order of emission. */
  alerts: Alert[];
  victims: VictimExposure[];
  labels: ScoringLabel[];
}

/** The reference data the generator's scenarios are written against (DNO list, allowlist, network). */
export function generatorReference(): ReferenceData {
  return { dno: parseDnoCsv(dnoCsv()), allowlist: parseAllowlistCsv(allowlistCsv()), network: parseNetworkJson(networkJson()) };
}

export function detectOverSimulation(options: SimulationOptions, pack: RulePack = DEFAULT_RULE_PACK): SimulatedDetection {
  const sim = buildSimulation(options);
  const engine = new DetectionEngine(pack, generatorReference());
  const out: EngineOutput = { alerts: [], victims: [] };
  const alerts = new Map<string, Alert>();
  const victims: VictimExposure[] = [];
  for (let e = sim.engine.next(); e; e = sim.engine.next()) {
    sim.labels.observe(e);
    if (e.topic === 'call-events') engine.processCall(e.event, out);
    else engine.processSms(e.event, out);
    for (const a of out.alerts) if (!alerts.has(a.alert_id)) alerts.set(a.alert_id, a);
    victims.push(...out.victims);
    out.alerts.length = 0;
    out.victims.length = 0;
  }
  return { alerts: [...alerts.values()], victims, labels: sim.labels.labels() as ScoringLabel[] };
}
