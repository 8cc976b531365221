import { defineConfig, type ConfigOf } from '../config.js';

/**
 * Settings every ClickHouse-writing service shares; services spread these into their own
 * declaration (and may restate a key's `doc` to say what their database holds).
 */
export const clickhouseSettings = defineConfig({
  clickhouseUrl: { env: 'CLICKHOUSE_URL', type: 'url', default: 'http://127.0.0.1:8123', doc: 'ClickHouse HTTP interface' },
  clickhouseDatabase: {
    env: 'CLICKHOUSE_DATABASE', type: 'string', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, default: 'fraud',
    doc: 'ClickHouse database',
  },
  clickhouseUsername: { env: 'CLICKHOUSE_USERNAME', type: 'string', default: 'default', doc: 'ClickHouse user' },
  clickhousePassword: { env: 'CLICKHOUSE_PASSWORD', type: 'string', optional: true, secret: true, doc: 'ClickHouse password (empty for none)' },
  clickhouseRequestTimeoutMs: {
    env: 'CLICKHOUSE_REQUEST_TIMEOUT_MS', type: 'int', min: 1_000, max: 600_000, default: 30_000,
    doc: 'Timeout of one ClickHouse request',
  },
});

/** The connection part of a service's configuration, as `createClickHouseClient` takes it. */
export type ClickHouseConfig = ConfigOf<typeof clickhouseSettings>;
