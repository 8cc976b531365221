import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import { ConfigError, type ConfigProblem } from '../config.js';
import { kafkaSettings } from '../common-settings.js';

/** The Kafka security settings of `kafkaSettings`, as loaded. */
export interface KafkaSecurityConfig {
  kafkaSsl: boolean;
  kafkaSslCaFile: string | undefined;
  kafkaSslCertFile: string | undefined;
  kafkaSslKeyFile: string | undefined;
  kafkaSslKeyPassword: string | undefined;
  kafkaSaslMechanism: 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';
  kafkaSaslUsername: string | undefined;
  kafkaSaslPassword: string | undefined;
  kafkaSaslPasswordFile: string | undefined;
}

/** What the kafkajs client is given: `ssl` as kafkajs takes it, `sasl` when a mechanism is set. */
export interface KafkaSecurityOptions {
  ssl: boolean | ConnectionOptions;
  sasl: SASLOptions | undefined;
}

type Key = keyof KafkaSecurityConfig;

function problem(key: Key, value: string | undefined, expected: string): ConfigProblem {
  const setting = kafkaSettings[key];
  return { key, env: setting.env, value: 'secret' in setting && setting.secret && value !== undefined ? '***' : value, expected };
}

/**
 * The combinations a single key's parser cannot see: TLS files without TLS, half a client
 * key pair, a SASL mechanism without its user or password, credentials without a mechanism.
 * Each problem names the key to change, so start-up reports them all at once.
 */
export function kafkaSecurityProblems(config: KafkaSecurityConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const env = (key: Key): string => kafkaSettings[key].env;
  if (!config.kafkaSsl) {
    for (const key of ['kafkaSslCaFile', 'kafkaSslCertFile', 'kafkaSslKeyFile', 'kafkaSslKeyPassword'] as const) {
      if (config[key] !== undefined) problems.push(problem(key, config[key], `unset unless ${env('kafkaSsl')}=true (TLS settings without TLS)`));
    }
  }
  if (config.kafkaSslCertFile !== undefined && config.kafkaSslKeyFile === undefined) {
    problems.push(problem('kafkaSslKeyFile', undefined, `the client's private key file, since ${env('kafkaSslCertFile')} is set`));
  }
  if (config.kafkaSslKeyFile !== undefined && config.kafkaSslCertFile === undefined) {
    problems.push(problem('kafkaSslCertFile', undefined, `the client's certificate file, since ${env('kafkaSslKeyFile')} is set`));
  }
  if (config.kafkaSsl && config.kafkaSslKeyPassword !== undefined && config.kafkaSslKeyFile === undefined) {
    problems.push(problem('kafkaSslKeyPassword', config.kafkaSslKeyPassword, `unset unless ${env('kafkaSslKeyFile')} is set`));
  }
  if (config.kafkaSaslMechanism === 'none') {
    for (const key of ['kafkaSaslUsername', 'kafkaSaslPassword', 'kafkaSaslPasswordFile'] as const) {
      if (config[key] !== undefined) problems.push(problem(key, config[key], `unset unless ${env('kafkaSaslMechanism')} names a mechanism`));
    }
    return problems;
  }
  if (config.kafkaSaslUsername === undefined) {
    problems.push(problem('kafkaSaslUsername', undefined, `a user name, since ${env('kafkaSaslMechanism')}=${config.kafkaSaslMechanism}`));
  }
  if (config.kafkaSaslPassword === undefined && config.kafkaSaslPasswordFile === undefined) {
    problems.push(problem('kafkaSaslPassword', undefined, `a password (or ${env('kafkaSaslPasswordFile')}), since ${env('kafkaSaslMechanism')}=${config.kafkaSaslMechanism}`));
  }
  if (config.kafkaSaslPassword !== undefined && config.kafkaSaslPasswordFile !== undefined) {
    problems.push(problem('kafkaSaslPasswordFile', config.kafkaSaslPasswordFile, `unset when ${env('kafkaSaslPassword')} is set (one source of the password)`));
  }
  return problems;
}

export type ReadSecretFile = (path: string) => Buffer;

/**
 * Checks the security settings and reads their files, once, at start-up: an unreadable or
 * empty file is a configuration problem naming its key (exit 2), not a connection error later.
 * Throws a ConfigError listing every problem.
 */
export function resolveKafkaSecurity(config: KafkaSecurityConfig, readFile: ReadSecretFile = (p) => readFileSync(p)): KafkaSecurityOptions {
  const problems = kafkaSecurityProblems(config);
  if (problems.length > 0) throw new ConfigError('the Kafka connection', problems);
  const read = (key: 'kafkaSslCaFile' | 'kafkaSslCertFile' | 'kafkaSslKeyFile' | 'kafkaSaslPasswordFile'): Buffer | undefined => {
    const file = config[key];
    if (file === undefined) return undefined;
    try {
      const content = readFile(file);
      if (content.length === 0) {
        problems.push(problem(key, file, 'a non-empty file'));
        return undefined;
      }
      return content;
    } catch (err) {
      problems.push(problem(key, file, `a readable file (${err instanceof Error ? err.message : String(err)})`));
      return undefined;
    }
  };
  const ca = read('kafkaSslCaFile');
  const cert = read('kafkaSslCertFile');
  const key = read('kafkaSslKeyFile');
  const passwordFile = read('kafkaSaslPasswordFile');
  if (problems.length > 0) throw new ConfigError('the Kafka connection', problems);

  let ssl: boolean | ConnectionOptions = config.kafkaSsl;
  if (config.kafkaSsl && (ca || cert)) {
    ssl = {
      // Verification stays on: a CA file adds trust, it never turns checking off.
      rejectUnauthorized: true,
      ...(ca ? { ca } : {}),
      ...(cert && key ? { cert, key } : {}),
      ...(config.kafkaSslKeyPassword !== undefined ? { passphrase: config.kafkaSslKeyPassword } : {}),
    };
  }
  if (config.kafkaSaslMechanism === 'none') return { ssl, sasl: undefined };
  const password = passwordFile ? passwordFile.toString('utf8').replace(/\r?\n$/, '') : (config.kafkaSaslPassword ?? '');
  if (password === '') throw new ConfigError('the Kafka connection', [problem('kafkaSaslPasswordFile', config.kafkaSaslPasswordFile, 'a file holding a non-empty password')]);
  const username = config.kafkaSaslUsername ?? '';
  const sasl: SASLOptions = config.kafkaSaslMechanism === 'plain'
    ? { mechanism: 'plain', username, password }
    : config.kafkaSaslMechanism === 'scram-sha-256'
      ? { mechanism: 'scram-sha-256', username, password }
      : { mechanism: 'scram-sha-512', username, password };
  return { ssl, sasl };
}
