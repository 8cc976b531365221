import { describe, expect, it } from 'vitest';
import { ConfigError, defineConfig, loadConfig } from './config.js';
import { isPipelineError } from './errors.js';

/** One setting of each kind, as a service declares them. */
const declaration = defineConfig({
  brokers: { env: 'T_BROKERS', type: 'list', minItems: 1, doc: 'brokers' },
  port: { env: 'T_PORT', type: 'int', min: 0, max: 65535, default: 9101, doc: 'port' },
  rewindMs: { env: 'T_REWIND_MS', type: 'int', min: 0, optional: true, doc: 'rewind' },
  share: { env: 'T_SHARE', type: 'number', min: 0, max: 1, default: 0.5, doc: 'share' },
  dryRun: { env: 'T_DRY_RUN', type: 'bool', default: true, doc: 'dry run' },
  routing: { env: 'T_ROUTING', type: 'enum', values: ['direct', 'keyed'] as const, default: 'direct', doc: 'routing' },
  database: { env: 'T_DATABASE', type: 'string', pattern: /^[a-z_]+$/, default: 'fraud', doc: 'database' },
  rulesFile: { env: 'T_RULES_FILE', type: 'string', optional: true, doc: 'rules' },
  registry: { env: 'T_REGISTRY_URL', type: 'url', default: 'http://127.0.0.1:8081', doc: 'registry' },
  password: { env: 'T_PASSWORD', type: 'string', optional: true, secret: true, doc: 'password' },
});

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig('svc', declaration, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

describe('loadConfig', () => {
  it('applies defaults, leaves optional settings unset, and requires the rest', () => {
    expect(loadConfig('svc', declaration, { T_BROKERS: 'a:9092' })).toEqual({
      brokers: ['a:9092'], port: 9101, rewindMs: undefined, share: 0.5, dryRun: true, routing: 'direct',
      database: 'fraud', rulesFile: undefined, registry: 'http://127.0.0.1:8081', password: undefined,
    });
    expect(configError({}).message).toContain('T_BROKERS');
  });

  it('parses each kind from its environment variable into a typed value', () => {
    const config = loadConfig('svc', declaration, {
      T_BROKERS: 'a:9092, b:9092,', T_PORT: '0', T_REWIND_MS: '3600000', T_SHARE: '0.25', T_DRY_RUN: 'false',
      T_ROUTING: 'keyed', T_DATABASE: 'fraud_test', T_RULES_FILE: 'rules.yaml', T_REGISTRY_URL: 'https://registry.example:8081',
      T_PASSWORD: 'hunter2',
    });
    expect(config).toEqual({
      brokers: ['a:9092', 'b:9092'], port: 0, rewindMs: 3_600_000, share: 0.25, dryRun: false, routing: 'keyed',
      database: 'fraud_test', rulesFile: 'rules.yaml', registry: 'https://registry.example:8081', password: 'hunter2',
    });
    const port: number = config.port;
    const routing: 'direct' | 'keyed' = config.routing;
    const rulesFile: string | undefined = config.rulesFile;
    expect([port, routing, rulesFile]).toEqual([0, 'keyed', 'rules.yaml']);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig('svc', declaration, { T_BROKERS: 'a:9092', T_PORT: '', T_RULES_FILE: '' })).toMatchObject({ port: 9101, rulesFile: undefined });
  });

  it.each([
    ['T_PORT', '70000'],
    ['T_PORT', '-1'],
    ['T_PORT', '80.5'],
    ['T_PORT', 'eighty'],
    ['T_SHARE', '1.5'],
    ['T_SHARE', 'half'],
    ['T_DRY_RUN', 'maybe'],
    ['T_ROUTING', 'sideways'],
    ['T_DATABASE', 'Fraud-DB'],
    ['T_REGISTRY_URL', 'ftp://registry'],
    ['T_REGISTRY_URL', 'not a url'],
    ['T_BROKERS', ' , '],
  ])('refuses %s=%j, naming the variable', (env, value) => {
    const err = configError({ T_BROKERS: 'a:9092', [env]: value });
    expect(err.message).toContain(env);
  });

  it('names every bad variable at once, in one PipelineError', () => {
    const err = configError({ T_PORT: 'x', T_ROUTING: 'y', T_SHARE: '2' });
    expect(isPipelineError(err)).toBe(true);
    expect(err.code).toBe('CONFIG_INVALID');
    for (const env of ['T_BROKERS', 'T_PORT', 'T_ROUTING', 'T_SHARE']) expect(err.message).toContain(env);
    for (const env of ['T_DRY_RUN', 'T_DATABASE', 'T_REGISTRY_URL']) expect(err.message).not.toContain(env);
  });

  it('never repeats a secret\'s value in its error', () => {
    const secret = defineConfig({ password: { env: 'T_PASSWORD', type: 'string', pattern: /^\S{12,}$/, secret: true, doc: 'password' } });
    let message = '';
    try {
      loadConfig('svc', secret, { T_PASSWORD: 'short pw' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('T_PASSWORD');
    expect(message).not.toContain('short pw');
  });
});
