import { Registry, collectDefaultMetrics } from 'prom-client';

/** A per-service registry (never the global one), labelled with the service name, with process metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
