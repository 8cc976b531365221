import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Emission } from '../model/traffic-engine.js';
import type { ScenarioMeta } from '../model/scenario-source.js';
import type { LabelTracker } from '../model/label-tracker.js';
import type { BatchReport } from './realtime-pump.js';

/**
 * The generator's Prometheus face. Labels are bounded: topic, scenario name and kind; never a phone
 * number or trunk, so cardinality stays fixed however long the service runs.
 */
export class GeneratorMetrics {
  private readonly produced: Counter<'topic' | 'scenario' | 'kind'>;
  private readonly late: Counter<'topic'>;
  private readonly duplicates: Counter<'topic'>;
  private readonly batchSize: Histogram;
  private readonly sendSeconds: Histogram;
  private readonly lag: Gauge;

  constructor(registry: Registry, private readonly scenarios: readonly ScenarioMeta[], labels: LabelTracker) {
    const registers = [registry];
    this.produced = new Counter({ name: 'generator_events_produced_total', help: 'Records produced and acknowledged, by topic, scenario and kind (fraud/legit)', labelNames: ['topic', 'scenario', 'kind'], registers });
    this.late = new Counter({ name: 'generator_late_events_total', help: 'Records deliberately delivered late (5 s..2 min behind event time)', labelNames: ['topic'], registers });
    this.duplicates = new Counter({ name: 'generator_duplicate_events_total', help: 'Records deliberately delivered a second time', labelNames: ['topic'], registers });
    this.batchSize = new Histogram({ name: 'generator_batch_records', help: 'Records per produced batch', buckets: [1, 10, 50, 100, 500, 1_000, 5_000, 20_000], registers });
    this.sendSeconds = new Histogram({ name: 'generator_batch_send_seconds', help: 'Time to produce one batch until acknowledged', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers });
    this.lag = new Gauge({ name: 'generator_lag_seconds', help: 'How far behind schedule the last batch was', registers });
    new Gauge({
      name: 'generator_label_victims', help: 'Distinct callees connected > 60 s by each fraud scenario so far', labelNames: ['scenario'], registers,
      collect() {
        for (const l of labels.labels()) if (l.kind === 'fraud') this.set({ scenario: l.scenario }, l.victims.length);
      },
    });
  }

  delivered(e: Emission): void {
    const meta = this.scenarios[e.source];
    this.produced.inc({ topic: e.topic, scenario: meta?.name ?? 'unknown', kind: meta?.kind ?? 'unknown' });
    if (e.late) this.late.inc({ topic: e.topic });
    if (e.duplicate) this.duplicates.inc({ topic: e.topic });
  }

  batch(report: BatchReport): void {
    this.batchSize.observe(report.size);
    this.sendSeconds.observe(report.sendMs / 1000);
    this.lag.set(report.lagSeconds);
  }
}
