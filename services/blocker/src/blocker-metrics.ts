import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BlockerCore } from './core/blocker-core.js';
import type { Decision } from './core/decision.js';

/** The blocker's metrics. Labels are actions, results, reasons and target hosts: never phone numbers. */
export function createBlockerMetrics(registry: Registry, core: () => BlockerCore | undefined) {
  const registers = [registry];
  const metrics = {
    consumed: new Counter({ name: 'blocker_alerts_consumed_total', help: 'Alert records read from Kafka', registers }),
    rejected: new Counter({ name: 'fraud_events_rejected_total', help: 'Records parked on a dead-letter topic, by reason', labelNames: ['topic', 'reason'] as const, registers }),
    decisions: new Counter({
      name: 'blocker_actions_total', help: 'Decisions by action (block, divert, extend, unblock, notify, ...) and result (acted, extended, skipped, failed, lifted)',
      labelNames: ['action', 'result', 'dry_run'] as const, registers,
    }),
    skips: new Counter({ name: 'blocker_skipped_total', help: 'Skipped decisions by reason (allowlisted, emergency_number, breaker_open, duplicate_alert, ...)', labelNames: ['reason'] as const, registers }),
    webhookLatency: new Histogram({
      name: 'blocker_webhook_duration_seconds', help: 'Duration of one webhook request, by target and outcome',
      labelNames: ['target', 'outcome'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers,
    }),
    deliveries: new Counter({
      name: 'blocker_webhook_deliveries_total', help: 'Actions per target: delivered, or dead_lettered after the last try', labelNames: ['target', 'result'] as const, registers,
    }),
    breakerTrips: new Counter({ name: 'blocker_breaker_trips_total', help: 'Times the circuit breaker stopped automated blocking', registers }),
    auditFailures: new Counter({ name: 'blocker_audit_write_failures_total', help: 'Failed ClickHouse audit inserts (retried)', registers }),
    breakerOpen: new Gauge({
      name: 'blocker_breaker_open', help: '1 while the circuit breaker has stopped automated blocking', registers,
      collect() {
        this.set(core()?.breaker.state.kind === 'open' ? 1 : 0);
      },
    }),
    paused: new Gauge({
      name: 'blocker_automation_paused', help: '1 while an operator has paused automation', registers,
      collect() {
        this.set(core()?.paused ? 1 : 0);
      },
    }),
    dryRun: new Gauge({
      name: 'blocker_dry_run', help: '1 when the blocker only records what it would do', registers,
      collect() {
        this.set(core()?.dryRun ? 1 : 0);
      },
    }),
    activeBlocks: new Gauge({
      name: 'blocker_active_blocks', help: 'Active blocks and diverts (dry-run ones included when in dry-run)', labelNames: ['action'] as const, registers,
      collect() {
        const counts = core()?.book.countByKind() ?? { block: 0, divert: 0 };
        for (const [action, n] of Object.entries(counts)) this.set({ action }, n);
      },
    }),
  };
  return {
    ...metrics,
    countDecision(d: Decision): void {
      metrics.decisions.inc({ action: d.action, result: d.result, dry_run: String(d.dry_run) });
      if (d.result === 'skipped') metrics.skips.inc({ reason: d.reason.split(':')[0] ?? d.reason });
      if (d.action === 'breaker_trip') metrics.breakerTrips.inc();
    },
  };
}

export type BlockerMetrics = ReturnType<typeof createBlockerMetrics>;
