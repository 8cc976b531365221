import { describe, expect, it } from 'vitest';
import { ConfigError, renderConfigTable } from '@telfraud/common';
import { alertSinkSettings, loadAlertSinkConfig } from './config.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

describe('alert-sink config', () => {
  it('applies the documented defaults', () => {
    const config = loadAlertSinkConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(config).toMatchObject({
      clickhouseUrl: 'http://127.0.0.1:8123', clickhouseDatabase: 'fraud', clickhouseUsername: 'default', clickhousePassword: undefined,
      groupId: 'alert-sink', httpPort: 9102,
      activityEnabled: true, activityTopic: 'call-events', activityGroupId: 'alert-sink-activity', activityFields: ['ingress_trunk', 'calling_number'], activityFlushMs: 5_000, kafkaBrokers: ['127.0.0.1:9092'], schemaRegistryUrl: 'http://127.0.0.1:8081',
    });
  });

  it('reports every bad key at once', () => {
    const env = { CLICKHOUSE_URL: 'ftp://x', CLICKHOUSE_DATABASE: 'fraud; DROP', SINK_BATCH_MAX_ROWS: '0', KAFKA_SSL: 'maybe' };
    const envs = thrownBy(ConfigError, () => loadAlertSinkConfig(env)).problems.map((p) => p.env).sort();
    expect(envs).toEqual(['CLICKHOUSE_DATABASE', 'CLICKHOUSE_URL', 'KAFKA_BROKERS', 'KAFKA_SSL', 'SINK_BATCH_MAX_ROWS']);
  });

  it('accepts only call-event fields as activity fields, reported with the other bad keys', () => {
    expect(loadAlertSinkConfig({ KAFKA_BROKERS: 'b:1', ALERT_SINK_ACTIVITY_FIELDS: 'ingress_country, ingress_trunk,ingress_country' }).activityFields)
      .toEqual(['ingress_country', 'ingress_trunk']);
    const { problems } = thrownBy(ConfigError, () => loadAlertSinkConfig({ ALERT_SINK_ACTIVITY_FIELDS: 'ingress_trunk,call_id', ALERT_SINK_ACTIVITY_FLUSH_MS: '5' }));
    expect(problems.map((p) => p.env).sort()).toEqual(['ALERT_SINK_ACTIVITY_FIELDS', 'ALERT_SINK_ACTIVITY_FLUSH_MS', 'KAFKA_BROKERS']);
    expect(problems.find((p) => p.env === 'ALERT_SINK_ACTIVITY_FIELDS')?.expected).toMatch(/unknown: call_id/);
    expect(() => loadAlertSinkConfig({ KAFKA_BROKERS: 'b:1', ALERT_SINK_ACTIVITY_FIELDS: 'ts' })).toThrow(/ALERT_SINK_ACTIVITY_FIELDS/);
  });

  it('treats the ClickHouse password as a secret', () => {
    expect(alertSinkSettings.clickhousePassword.secret).toBe(true);
    expect(loadAlertSinkConfig({ KAFKA_BROKERS: 'b:1', CLICKHOUSE_PASSWORD: 's3cret' }).clickhousePassword).toBe('s3cret');
    expect(renderConfigTable(alertSinkSettings)).not.toContain('s3cret');
  });
});
