import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, renderConfigTable } from '@telfraud/common';
import { blockerSettings, loadBlockerConfig } from './config.js';

const BASE = { KAFKA_BROKERS: '127.0.0.1:9092' };

function problemEnvs(env: Record<string, string>): string[] {
  try {
    loadBlockerConfig(env);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.env).sort();
  }
}

describe('blocker config', () => {
  it('applies the documented defaults: dry-run on, port 9104, no targets', () => {
    expect(loadBlockerConfig(BASE)).toMatchObject({
      httpPort: 9104, dryRun: true, webhookUrls: [], alertTopic: 'fraud-alerts', actionTopic: 'block-actions', deadLetterTopic: 'block-actions-dlq',
      breakerMaxPerMinute: 20, webhookMaxAttempts: 8, policyFile: undefined, operatorToken: undefined,
    });
  });

  it('reports bad keys, including the cross-key checks', () => {
    expect(problemEnvs({ ...BASE, BLOCKER_BREAKER_MAX_PER_MINUTE: '0', BLOCKER_DRY_RUN: 'perhaps' })).toEqual(['BLOCKER_BREAKER_MAX_PER_MINUTE', 'BLOCKER_DRY_RUN']);
    expect(problemEnvs({ ...BASE, BLOCKER_WEBHOOK_URLS: 'http://a/hook,ftp://b', BLOCKER_OPERATOR_TOKEN: 'short' }))
      .toEqual(['BLOCKER_OPERATOR_TOKEN', 'BLOCKER_WEBHOOK_SECRET', 'BLOCKER_WEBHOOK_URLS']);
    expect(problemEnvs({ BLOCKER_WEBHOOK_URLS: 'http://a/hook', BLOCKER_HTTP_PORT: 'x' })).toEqual(['BLOCKER_HTTP_PORT', 'BLOCKER_WEBHOOK_SECRET', 'KAFKA_BROKERS']);
  });

  it('never shows secrets', () => {
    try {
      loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_URLS: 'http://a/hook', BLOCKER_WEBHOOK_SECRET: 'tooshort', BLOCKER_OPERATOR_TOKEN: 'tiny' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toMatch(/tooshort|tiny/);
    }
    expect(blockerSettings.webhookSecret.secret && blockerSettings.operatorToken.secret).toBe(true);
  });

  it('the README configuration table is the rendered declaration', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(renderConfigTable(blockerSettings));
  });
});
