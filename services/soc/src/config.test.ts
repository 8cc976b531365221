import { ConfigError } from '@telfraud/common';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSOLE_DIR, loadSocConfig } from './config.js';
import { thrownBy } from '../../../test/support/thrown-by.js';

const TOKENS = 'ann:viewer:viewer-token-0123456789,bob:analyst:analyst:token:with:colons,cy:operator:operator-token-0123456789';

function problems(env: Record<string, string>): string {
  return thrownBy(ConfigError, () => loadSocConfig(env)).message;
}

describe('loadSocConfig', () => {
  it('reads the tokens (a token may hold colons) and the defaults', () => {
    const c = loadSocConfig({ SOC_TOKENS: TOKENS });
    expect(c.tokens).toEqual([
      { name: 'ann', role: 'viewer', token: 'viewer-token-0123456789' },
      { name: 'bob', role: 'analyst', token: 'analyst:token:with:colons' },
      { name: 'cy', role: 'operator', token: 'operator-token-0123456789' },
    ]);
    expect(c.httpPort).toBe(9105);
    expect(c.pollMs).toBe(1000);
    expect(c.blockerUrl).toBe('http://127.0.0.1:9104');
    expect(c.blockerOperatorToken).toBeUndefined();
    expect(c.consoleDir).toBe(DEFAULT_CONSOLE_DIR);
    expect(c.clickhouseDatabase).toBe('fraud');
  });

  it('needs at least one token', () => {
    expect(problems({})).toContain('SOC_TOKENS');
  });

  it('names every bad entry by position and name, never printing a token', () => {
    const secretShort = 'short-secret';
    const msg = problems({
      SOC_TOKENS: `ann:viewer:${secretShort},bob:admin:admin-token-0123456789,justone,cy:analyst:viewer-token-0123456789,dup:viewer:viewer-token-0123456789`,
      SOC_BLOCKER_OPERATOR_TOKEN: 'tiny-op-token', SOC_POLL_MS: '5',
    });
    expect(msg).toContain('entry 1 (ann): token shorter than 16 characters');
    expect(msg).toContain('entry 2 (bob): role must be one of viewer, analyst, operator');
    expect(msg).toContain('entry 3: not name:role:token');
    expect(msg).toContain('entry 5 (dup): token already used by an earlier entry');
    expect(msg).toContain('SOC_BLOCKER_OPERATOR_TOKEN');
    expect(msg).toContain('SOC_POLL_MS');
    for (const secret of [secretShort, 'admin-token-0123456789', 'viewer-token-0123456789', 'tiny-op-token']) expect(msg).not.toContain(secret);
  });
});
