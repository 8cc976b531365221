import { Counter, Gauge, type Registry } from 'prom-client';

export interface SocMetrics {
  requests: Counter<'route' | 'status'>;
  exports: Counter<'kind' | 'format'>;
  exportedRows: Counter<'kind'>;
  triage: Counter<'action'>;
  lifts: Counter<'status'>;
  streams: Gauge;
  feedPolls: Counter<'result'>;
}

/** The SOC API's metrics; labels are route templates and enums, never alert ids or phone numbers. */
export function createSocMetrics(registry: Registry): SocMetrics {
  return {
    requests: new Counter({ name: 'soc_api_requests_total', help: 'API requests by route template and HTTP status', labelNames: ['route', 'status'], registers: [registry] }),
    exports: new Counter({ name: 'soc_exports_total', help: 'Victim and verdict exports handed out (each audited)', labelNames: ['kind', 'format'], registers: [registry] }),
    exportedRows: new Counter({ name: 'soc_exported_rows_total', help: 'Rows handed out by exports', labelNames: ['kind'], registers: [registry] }),
    triage: new Counter({ name: 'soc_triage_events_total', help: 'Triage events stored, by action', labelNames: ['action'], registers: [registry] }),
    lifts: new Counter({ name: 'soc_block_lifts_total', help: 'Block lifts forwarded to the blocker, by the blocker\'s HTTP status (0 = no answer)', labelNames: ['status'], registers: [registry] }),
    streams: new Gauge({ name: 'soc_live_streams', help: 'Open live alert streams (server-sent events)', registers: [registry] }),
    feedPolls: new Counter({ name: 'soc_feed_polls_total', help: 'Polls of ClickHouse for the live alert stream', labelNames: ['result'], registers: [registry] }),
  };
}
