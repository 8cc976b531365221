import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SchemaStore } from './schema-store.js';

export interface RegistryMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  requestSeconds: Histogram<'route'>;
  /** `_schemas` records read: applied, ignored (lost a race) or skipped (not understood). */
  logRecords: Counter<'outcome'>;
}

/** The registry's metrics on the service's own registry; store sizes are read at scrape time. */
export function createRegistryMetrics(registry: Registry, store: SchemaStore): RegistryMetrics {
  new Gauge({
    name: 'schema_registry_schemas',
    help: 'Distinct schemas (ids) known to the registry',
    registers: [registry],
    collect() {
      this.set(store.schemaCount());
    },
  });
  new Gauge({
    name: 'schema_registry_subjects',
    help: 'Subjects with at least one live version',
    registers: [registry],
    collect() {
      this.set(store.subjectNames().length);
    },
  });
  return {
    requests: new Counter({
      name: 'schema_registry_http_requests_total',
      help: 'Registry API requests by route template and HTTP status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    requestSeconds: new Histogram({
      name: 'schema_registry_http_request_duration_seconds',
      help: 'Registry API request duration by route template (writes include the Kafka round trip)',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [registry],
    }),
    logRecords: new Counter({
      name: 'schema_registry_log_records_total',
      help: 'Records read from the schemas topic, by outcome (applied, ignored, skipped)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
