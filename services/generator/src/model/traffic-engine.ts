import { MinHeap } from './min-heap.js';
import type { Rng } from './prng.js';
import type { ScenarioMeta, ScenarioSource } from './scenario-source.js';
import type { SimRecord } from './sim-record.js';
import { plannedDeliveries, type DeliveryConfig } from './delivery-perturbation.js';

/** A record as delivered: when it arrives, which scenario made it, and whether it is late or a re-send. */
export type Emission = SimRecord & {
  arrival: number;
  /** Index into `TrafficEngine.scenarios`. */
  source: number;
  late: boolean;
  duplicate: boolean;
};

/**
 * Merges every scenario's activities into one stream in arrival order. Sources are pulled lazily by
 * next start time and records wait in a heap keyed by arrival. A waiting record is released only
 * once no source can still start an activity before its arrival; since every record's arrival is at
 * or after its activity's start, nothing later can overtake it. Memory stays proportional to the
 * calls in flight, so the engine streams millions of events.
 */
export class TrafficEngine {
  private readonly sourceHeap = new MinHeap<number>();
  private readonly pending = new MinHeap<Emission>();
  private readonly deliveryRngs: Rng[];

  constructor(
    private readonly sources: readonly ScenarioSource[],
    private readonly delivery: DeliveryConfig,
    rng: Rng,
  ) {
    // Each source perturbs from its own stream, so one scenario's volume cannot shift another's timing.
    this.deliveryRngs = sources.map((s) => rng.fork(`delivery:${s.name}`));
    sources.forEach((s, i) => {
      const start = s.peek();
      if (start !== undefined) this.sourceHeap.push(start, i);
    });
  }

  get scenarios(): readonly ScenarioMeta[] {
    return this.sources;
  }

  /** Arrival time of the next emission, or undefined when the traffic is over. */
  peekArrival(): number | undefined {
    this.settle();
    return this.pending.peekKey();
  }

  next(): Emission | undefined {
    this.settle();
    return this.pending.pop();
  }

  private settle(): void {
    for (;;) {
      const nextStart = this.sourceHeap.peekKey();
      if (nextStart === undefined) return;
      const waiting = this.pending.peekKey();
      if (waiting !== undefined && waiting <= nextStart) return;
      const index = this.sourceHeap.pop()!;
      const source = this.sources[index]!;
      const rng = this.deliveryRngs[index]!;
      for (const record of source.take()) {
        for (const d of plannedDeliveries(rng, this.delivery, record.event.ts)) {
          this.pending.push(d.arrival, { ...record, arrival: d.arrival, source: index, late: d.late, duplicate: d.duplicate });
        }
      }
      const again = source.peek();
      if (again !== undefined) this.sourceHeap.push(again, index);
    }
  }
}
