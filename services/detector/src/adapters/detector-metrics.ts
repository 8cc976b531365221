import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DetectionEngine } from '@telfraud/core';

/** The detector's metrics. Labels are rule ids, severities, topics and reasons: never phone numbers. */
export function createDetectorMetrics(registry: Registry, engine: () => DetectionEngine) {
  const registers = [registry];
  return {
    consumed: new Counter({ name: 'fraud_events_consumed_total', help: 'Events read from Kafka', labelNames: ['topic'] as const, registers }),
    rejected: new Counter({ name: 'fraud_events_rejected_total', help: 'Events parked on a dead-letter topic, by reason', labelNames: ['topic', 'reason'] as const, registers }),
    duplicates: new Counter({ name: 'fraud_events_duplicate_total', help: 'Re-delivered events counted once', labelNames: ['topic'] as const, registers }),
    futureTakenBack: new Counter({
      name: 'fraud_events_future_taken_back_total',
      help: 'Events parked as FUTURE_EVENT and processed after all, when later events confirmed the jump in event time (a real gap in traffic)',
      labelNames: ['topic'] as const, registers,
    }),
    replayed: new Counter({
      name: 'fraud_events_replayed_total', help: 'Events re-read below the committed position after a restart, to rebuild window state (nothing re-emitted)',
      labelNames: ['topic'] as const, registers,
    }),
    routed: new Counter({
      name: 'fraud_events_routed_total', help: 'Records written to the keyed topic by the router (keyed routing), by route (the key: ingress_trunk, calling_number, …)',
      labelNames: ['route'] as const, registers,
    }),
    remoteAlerts: new Counter({ name: 'fraud_remote_alerts_read_total', help: 'Alerts read back from the alerts topic to flag origins for the OTP correlation (keyed routing)', registers }),
    alerts: new Counter({ name: 'fraud_alerts_emitted_total', help: 'Alert records emitted (new, updated, escalated)', labelNames: ['rule_id', 'severity'] as const, registers }),
    victims: new Counter({ name: 'fraud_victim_exposures_emitted_total', help: 'Victim exposures emitted', registers }),
    latency: new Histogram({
      name: 'fraud_event_processing_latency_seconds', help: 'From production to the broker until processed (alerts produced)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    }),
    batchSize: new Histogram({ name: 'fraud_detector_batch_size', help: 'Records per consumed batch', buckets: [1, 10, 50, 100, 500, 1000, 5000, 10000], registers }),
    consumerLag: new Gauge({ name: 'fraud_consumer_lag_messages', help: 'Messages behind the partition end', labelNames: ['topic', 'partition'] as const, registers }),
    ruleReloads: new Counter({ name: 'fraud_rule_pack_reloads_total', help: 'Rule pack reload attempts', labelNames: ['result'] as const, registers }),
    eventTimeLag: new Gauge({
      name: 'fraud_event_time_lag_seconds', help: 'Wall clock minus the newest call event time processed', registers,
      collect() {
        const s = engine().stats();
        const newest = s.callWatermark + engine().rulePack.settings.allowedLatenessMs;
        this.set(Number.isFinite(newest) ? (Date.now() - newest) / 1000 : 0);
      },
    }),
    activeKeys: new Gauge({
      name: 'fraud_rule_active_keys', help: 'Entities with live window state', labelNames: ['rule_id'] as const, registers,
      collect() {
        this.reset();
        for (const [rule, n] of Object.entries(engine().stats().activeKeysByRule)) this.set({ rule_id: rule }, n);
      },
    }),
    stateBytes: new Gauge({
      name: 'fraud_rule_state_bytes', help: 'Estimated window state bytes', labelNames: ['rule_id'] as const, registers,
      collect() {
        this.reset();
        for (const [rule, n] of Object.entries(engine().stateBytesByRule())) this.set({ rule_id: rule }, n);
      },
    }),
  };
}

export type DetectorMetrics = ReturnType<typeof createDetectorMetrics>;
