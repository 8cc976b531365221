import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
    expect(problemEnvs({ ...BASE, BLOCKER_WEBHOOK_URLS: 'https://a/hook,ftp://b', BLOCKER_OPERATOR_TOKEN: 'short' }))
      .toEqual(['BLOCKER_OPERATOR_TOKEN', 'BLOCKER_WEBHOOK_SECRET', 'BLOCKER_WEBHOOK_URLS']);
    expect(problemEnvs({ BLOCKER_WEBHOOK_URLS: 'https://a/hook', BLOCKER_HTTP_PORT: 'x' })).toEqual(['BLOCKER_HTTP_PORT', 'BLOCKER_WEBHOOK_SECRET', 'KAFKA_BROKERS']);
  });

  it('refuses plain http to a host outside loopback at start, naming the target', () => {
    const message = (env: Record<string, string>): string => {
      try {
        loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_SECRET: 'a-secret-of-16-chars', ...env });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message({ BLOCKER_WEBHOOK_URLS: 'http://sbc.example.net/hooks' })).toMatch(/BLOCKER_WEBHOOK_URLS.*http:\/\/sbc\.example\.net\/hooks.*expected https .*sbc\.example\.net is not one/);
    expect(message({ BLOCKER_WEBHOOK_URLS: 'http://10.0.0.7:8080/hooks' })).toMatch(/expected https/);
    for (const ok of ['http://127.0.0.1:9/h', 'http://localhost:9/h', 'http://[::1]:9/h', 'https://sbc.example.net/hooks']) {
      expect(message({ BLOCKER_WEBHOOK_URLS: ok }), ok).toBe('');
    }
    expect(loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_SECRET: 'a-secret-of-16-chars', BLOCKER_WEBHOOK_URLS: 'http://127.0.0.1:9/h' }).webhookTargets)
      .toEqual([{ id: '127.0.0.1:9', url: 'http://127.0.0.1:9/h', keys: [{ id: 'default', secret: 'a-secret-of-16-chars' }] }]);
  });

  describe('the targets file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'blocker-targets-'));
    const file = (name: string, content: unknown): string => {
      const p = path.join(dir, name);
      writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
      return p;
    };
    const eastNew = file('east-2026-11', 'east-secret-new-000000\n');

    it('gives each target its id, URL and one or two keys from secret files or environment variables', () => {
      const targets = file('targets.json', { targets: [
        { id: 'sbc-east', url: 'https://sbc-east.example.net/hooks', keys: [{ id: '2026-11', secret_file: eastNew }, { id: '2026-05', secret_env: 'EAST_OLD' }] },
        { id: 'sbc-west', url: 'http://127.0.0.1:9/hooks', keys: [{ id: 'w1', secret_env: 'WEST_KEY' }] },
      ] });
      const config = loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_TARGETS_FILE: targets, EAST_OLD: 'east-secret-old-000000', WEST_KEY: 'west-secret-0000000000' });
      expect(config.webhookTargets).toEqual([
        { id: 'sbc-east', url: 'https://sbc-east.example.net/hooks', keys: [{ id: '2026-11', secret: 'east-secret-new-000000' }, { id: '2026-05', secret: 'east-secret-old-000000' }] },
        { id: 'sbc-west', url: 'http://127.0.0.1:9/hooks', keys: [{ id: 'w1', secret: 'west-secret-0000000000' }] },
      ]);
    });

    it('reports every bad target by name, never a secret', () => {
      const targets = file('bad.json', { targets: [
        { id: 'sbc-east', url: 'http://sbc-east.example.net/hooks', keys: [{ id: 'k1', secret_file: eastNew }] },
        { id: 'sbc-west', url: 'https://west.example.net/h', keys: [{ id: 'k1', secret_env: 'SHARED' }] },
        { id: 'sbc-north', url: 'https://north.example.net/h', keys: [{ id: 'a', secret_env: 'N1' }, { id: 'b', secret_env: 'N2' }, { id: 'c', secret_env: 'N3' }] },
        { id: 'sbc-south', url: 'https://south.example.net/h', keys: [{ id: 'k', secret_file: path.join(dir, 'nope') }] },
      ] });
      let message = '';
      try {
        loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_TARGETS_FILE: targets, BLOCKER_WEBHOOK_URLS: 'https://x/h', SHARED: 'east-secret-new-000000', N1: 'n1-secret-0000000000', N2: 'n2-secret-0000000000', N3: 'short' });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/target sbc-east: http:\/\/sbc-east\.example\.net\/hooks.*expected https/);
      expect(message).toMatch(/target sbc-west key k1.*a secret of its own \(target sbc-east has the same one\)/);
      expect(message).toMatch(/target sbc-north.*1 or 2 keys/);
      expect(message).toMatch(/target sbc-south key k.*a readable secret file \(ENOENT\)/);
      expect(message).toMatch(/BLOCKER_WEBHOOK_URLS.*unset when BLOCKER_WEBHOOK_TARGETS_FILE is set/);
      expect(message).not.toMatch(/secret-new|n1-secret/);
    });
  });

  it('never shows secrets', () => {
    try {
      loadBlockerConfig({ ...BASE, BLOCKER_WEBHOOK_URLS: 'https://a/hook', BLOCKER_WEBHOOK_SECRET: 'tooshort', BLOCKER_OPERATOR_TOKEN: 'tiny' });
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
