import { describe, expect, it } from 'vitest';
import { ConfigError, renderConfigTable } from '@telfraud/common';
import { alertSinkSettings, loadAlertSinkConfig } from './config.js';

describe('alert-sink config', () => {
  it('applies the documented defaults', () => {
    const config = loadAlertSinkConfig({ KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(config).toMatchObject({
      clickhouseUrl: 'http://127.0.0.1:8123', clickhouseDatabase: 'fraud', clickhouseUsername: 'default', clickhousePassword: undefined,
      groupId: 'alert-sink', httpPort: 9102, kafkaBrokers: ['127.0.0.1:9092'], schemaRegistryUrl: 'http://127.0.0.1:8081',
    });
  });

  it('reports every bad key at once', () => {
    const env = { CLICKHOUSE_URL: 'ftp://x', CLICKHOUSE_DATABASE: 'fraud; DROP', SINK_BATCH_MAX_ROWS: '0', KAFKA_SSL: 'maybe' };
    try {
      loadAlertSinkConfig(env);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const envs = (err as ConfigError).problems.map((p) => p.env).sort();
      expect(envs).toEqual(['CLICKHOUSE_DATABASE', 'CLICKHOUSE_URL', 'KAFKA_BROKERS', 'KAFKA_SSL', 'SINK_BATCH_MAX_ROWS']);
    }
  });

  it('treats the ClickHouse password as a secret', () => {
    expect(alertSinkSettings.clickhousePassword.secret).toBe(true);
    expect(loadAlertSinkConfig({ KAFKA_BROKERS: 'b:1', CLICKHOUSE_PASSWORD: 's3cret' }).clickhousePassword).toBe('s3cret');
    expect(renderConfigTable(alertSinkSettings)).not.toContain('s3cret');
  });
});
