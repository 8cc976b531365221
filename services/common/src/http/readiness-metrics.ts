import { Gauge, type Registry } from 'prom-client';

export interface ReadinessSnapshot {
  ok: boolean;
  checks: Record<string, boolean>;
}

/**
 * A readiness check still running after this long counts as failed in the gauges, so a hung
 * dependency makes the service "not ready" rather than the whole scrape time out ("down").
 */
export const READINESS_METRIC_TIMEOUT_MS = 1_000;

/**
 * `service_ready` (1 when `/readyz` would answer 200) and `service_readiness_check{check}` (each
 * check's result), computed at scrape time from the same checks as `/readyz`, so Prometheus can
 * alert on a service that is up but not working. Both gauges share one run of the checks per scrape.
 */
export function registerReadinessMetrics(registry: Registry, readiness: () => Promise<ReadinessSnapshot>): void {
  let running: Promise<ReadinessSnapshot> | undefined;
  const snapshot = (): Promise<ReadinessSnapshot> => {
    running ??= withTimeout(readiness(), READINESS_METRIC_TIMEOUT_MS).finally(() => {
      running = undefined;
    });
    return running;
  };
  // A registry serves one HTTP server; one started again on it (tests) replaces the old gauges.
  for (const name of ['service_ready', 'service_readiness_check']) registry.removeSingleMetric(name);
  new Gauge({
    name: 'service_ready', help: '1 while the service is ready (its /readyz answers 200), 0 otherwise', registers: [registry],
    async collect() {
      this.set((await snapshot()).ok ? 1 : 0);
    },
  });
  new Gauge({
    name: 'service_readiness_check', help: 'Each readiness check of /readyz: 1 passing, 0 failing (check="readiness_timeout" when they did not answer within 1 s)',
    labelNames: ['check'], registers: [registry],
    async collect() {
      this.reset();
      for (const [check, ok] of Object.entries((await snapshot()).checks)) this.set({ check }, ok ? 1 : 0);
    },
  });
}

async function withTimeout(pending: Promise<ReadinessSnapshot>, ms: number): Promise<ReadinessSnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ReadinessSnapshot>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, checks: { readiness_timeout: false } }), ms);
  });
  try {
    return await Promise.race([pending, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
