import type { Rng } from './prng.js';

/**
 * When a record reaches the pipeline, as opposed to when it happened. Real mediation feeds deliver
 * most records within a second, some minutes late (a switch buffering, a link down), and some twice
 * (a retry after a lost acknowledgement). The model decides arrival times here; the engine then
 * emits records in arrival order, so the output is in roughly event-time order with jitter.
 */
export interface DeliveryConfig {
  /** Share of records delivered late (lateMinMs..lateMaxMs behind their event time). */
  lateShare: number;
  /** Share of records delivered a second time with the same event_id. */
  duplicateShare: number;
  /** Mean of the ordinary (exponential) delivery delay. */
  jitterMeanMs: number;
  /** Ordinary delay never exceeds this, so "late" is unambiguous. */
  jitterMaxMs: number;
  lateMinMs: number;
  lateMaxMs: number;
  /** A duplicate follows its original by up to this much. */
  duplicateMaxDelayMs: number;
}

export const DEFAULT_DELIVERY: DeliveryConfig = {
  lateShare: 0.02,
  duplicateShare: 0.01,
  jitterMeanMs: 150,
  jitterMaxMs: 2_000,
  lateMinMs: 5_000,
  lateMaxMs: 120_000,
  duplicateMaxDelayMs: 30_000,
};

export interface Delivery {
  arrival: number;
  late: boolean;
  duplicate: boolean;
}

/** One delivery, or two when the record is duplicated; arrival is never before the event time. */
export function plannedDeliveries(rng: Rng, config: DeliveryConfig, ts: number): Delivery[] {
  const late = rng.chance(config.lateShare);
  const delay = late
    ? rng.uniform(config.lateMinMs, config.lateMaxMs)
    : Math.min(config.jitterMaxMs, rng.exponential(config.jitterMeanMs));
  const arrival = ts + Math.round(delay);
  const first: Delivery = { arrival, late, duplicate: false };
  if (!rng.chance(config.duplicateShare)) return [first];
  const again = arrival + Math.round(rng.uniform(10, config.duplicateMaxDelayMs));
  return [first, { arrival: again, late: again - ts >= config.lateMinMs, duplicate: true }];
}
