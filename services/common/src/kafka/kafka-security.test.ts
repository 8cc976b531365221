import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { kafkaSettings } from '../common-settings.js';
import { createLogger } from '../logger.js';
import { createKafkaPort } from './kafkajs-adapter.js';
import { kafkaSecurityProblems, resolveKafkaSecurity } from './kafka-security.js';

const BASE = { KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093' };
const FILES: Record<string, string> = {
  '/etc/kafka/ca.pem': 'CA PEM',
  '/etc/kafka/client.pem': 'CERT PEM',
  '/etc/kafka/client.key': 'KEY PEM',
  '/run/secrets/kafka-password': 's3cret-from-file\n',
  '/run/secrets/empty': '\n',
};
function fakeRead(file: string): Buffer {
  const content = FILES[file];
  if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
  return Buffer.from(content);
}

function load(env: Record<string, string>) {
  return loadConfig('test', kafkaSettings, { ...BASE, ...env });
}

/** The env names of the problems the start-up check reports, in order. */
function problemKeys(env: Record<string, string>): string[] {
  try {
    resolveKafkaSecurity(load(env), fakeRead);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.env);
    throw err;
  }
  return [];
}

describe('Kafka TLS and SASL settings', () => {
  it('defaults to plaintext without SASL', () => {
    expect(resolveKafkaSecurity(load({}), fakeRead)).toEqual({ ssl: false, sasl: undefined });
  });

  it('parses the mechanism and refuses one it does not know, naming the key', () => {
    expect(load({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).kafkaSaslMechanism).toBe('scram-sha-512');
    expect(() => load({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM .*expected one of none, plain, scram-sha-256, scram-sha-512/);
  });

  it('TLS with the system CAs is `ssl: true`', () => {
    expect(resolveKafkaSecurity(load({ KAFKA_SSL: 'true' }), fakeRead).ssl).toBe(true);
  });

  it('maps a CA file and a client key pair into TLS options read from the files, verification on', () => {
    const { ssl, sasl } = resolveKafkaSecurity(load({
      KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
      KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key', KAFKA_SSL_KEY_PASSWORD: 'key-pass',
    }), fakeRead);
    expect(sasl).toBeUndefined();
    expect(typeof ssl).toBe('object');
    const options = ssl as Exclude<typeof ssl, boolean>;
    expect(options.rejectUnauthorized).toBe(true);
    expect(String(options.ca)).toBe('CA PEM');
    expect(String(options.cert)).toBe('CERT PEM');
    expect(String(options.key)).toBe('KEY PEM');
    expect(options.passphrase).toBe('key-pass');
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('maps SASL %s with user and password', (mechanism) => {
    const { sasl } = resolveKafkaSecurity(load({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'detector', KAFKA_SASL_PASSWORD: 'pw' }), fakeRead);
    expect(sasl).toEqual({ mechanism, username: 'detector', password: 'pw' });
  });

  it('reads the SASL password from a file, without its trailing newline', () => {
    const { ssl, sasl } = resolveKafkaSecurity(load({
      KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'alert-sink', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password',
    }), fakeRead);
    expect(ssl).toBe(true);
    expect(sasl).toEqual({ mechanism: 'scram-sha-256', username: 'alert-sink', password: 's3cret-from-file' });
  });

  it('a certificate without its key, and a key without its certificate, name the missing key', () => {
    expect(problemKeys({ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem' })).toEqual(['KAFKA_SSL_KEY_FILE']);
    expect(problemKeys({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' })).toEqual(['KAFKA_SSL_CERT_FILE']);
  });

  it('TLS files without KAFKA_SSL=true are refused, each named', () => {
    expect(problemKeys({ KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' }))
      .toEqual(['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE']);
  });

  it('SASL without a user or a password names both; credentials without a mechanism are refused', () => {
    expect(problemKeys({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']);
    expect(problemKeys({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']);
    expect(problemKeys({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/kafka-password' }))
      .toEqual(['KAFKA_SASL_PASSWORD_FILE']);
  });

  it('never echoes a secret in a problem', () => {
    const problems = kafkaSecurityProblems(load({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'do-not-print' }));
    expect(problems.find((p) => p.env === 'KAFKA_SASL_PASSWORD')?.value).toBe('***');
    expect(JSON.stringify(problems)).not.toContain('do-not-print');
  });

  it('unreadable or empty files are configuration problems naming their key', () => {
    expect(problemKeys({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nowhere/ca.pem' })).toEqual(['KAFKA_SSL_CA_FILE']);
    expect(problemKeys({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: '/run/secrets/empty' })).toEqual(['KAFKA_SASL_PASSWORD_FILE']);
  });

  it('createKafkaPort reads real files at start and refuses a bad combination before connecting', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kafka-tls-'));
    writeFileSync(path.join(dir, 'ca.pem'), 'CA PEM');
    const logger = createLogger({ level: 'error' });
    const good = load({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem') });
    expect(() => createKafkaPort(good, logger)).not.toThrow();
    const bad = load({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path.join(dir, 'missing.pem') });
    expect(() => createKafkaPort(bad, logger)).toThrow(ConfigError);
    expect(() => createKafkaPort(bad, logger)).toThrow(/KAFKA_SSL_CA_FILE .*a readable file/);
  });
});
