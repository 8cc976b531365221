import type { GroundTruthLabel } from '../model/label-tracker.js';
import type { Emission } from '../model/traffic-engine.js';
import type { SimulationOptions } from './build-simulation.js';

/** The run that produced a labels file, with what it actually delivered. */
export interface RunSummary {
  seed: number;
  start_ts: number;
  /** Simulated length in ms; null when the run had no bound (a service stopped by a signal). */
  horizon_ms: number | null;
  background_rate: number;
  scenarios: string[];
  late_share: number;
  duplicate_share: number;
  call_events: number;
  sms_events: number;
  late_events: number;
  duplicate_events: number;
  /** Largest event time delivered; null if nothing was. */
  last_ts: number | null;
}

/** labels.json: `{ run, labels }`, one label per scenario including the background. */
export interface LabelsDocument {
  run: RunSummary;
  labels: GroundTruthLabel[];
}

/** Counts what was delivered (duplicates included, as they are lines in the output). */
export class DeliveryCounters {
  callEvents = 0;
  smsEvents = 0;
  late = 0;
  duplicates = 0;
  lastTs: number | null = null;

  observe(e: Emission): void {
    if (e.topic === 'call-events') this.callEvents++;
    else this.smsEvents++;
    if (e.late) this.late++;
    if (e.duplicate) this.duplicates++;
    if (this.lastTs === null || e.event.ts > this.lastTs) this.lastTs = e.event.ts;
  }
}

export function labelsDocument(sim: SimulationOptions, counters: DeliveryCounters, labels: GroundTruthLabel[]): LabelsDocument {
  return {
    run: {
      seed: sim.seed,
      start_ts: sim.startTs,
      horizon_ms: Number.isFinite(sim.horizonMs) ? sim.horizonMs : null,
      background_rate: sim.backgroundRate,
      scenarios: [...sim.scenarios],
      late_share: sim.delivery?.lateShare ?? 0,
      duplicate_share: sim.delivery?.duplicateShare ?? 0,
      call_events: counters.callEvents,
      sms_events: counters.smsEvents,
      late_events: counters.late,
      duplicate_events: counters.duplicates,
      last_ts: counters.lastTs,
    },
    labels,
  };
}
