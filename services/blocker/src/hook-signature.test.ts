import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './hook-signature.js';

const SECRET = 'test-secret-0123456789';
const BODY = '{"action":"block","entity":"nl-voip-03"}';
const T = 1_790_000_000_000;

describe('hook signature', () => {
  it('is t=<ms>,v1=<hex HMAC-SHA256 over "t.body">, reproducible by hand', () => {
    const header = signPayload(SECRET, BODY, T);
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
  });

  const header = signPayload(SECRET, BODY, T);
  const cases: { name: string; args: Parameters<typeof verifySignature>; expected: ReturnType<typeof verifySignature> }[] = [
    { name: 'a genuine request', args: [SECRET, header, BODY, 300_000, T + 1_000], expected: { ok: true, timestamp: T } },
    { name: 'a genuine request as a Buffer', args: [SECRET, header, Buffer.from(BODY), 300_000, T], expected: { ok: true, timestamp: T } },
    { name: 'a forged body', args: [SECRET, header, BODY.replace('nl-voip-03', 'gb-bank-01'), 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'the wrong secret', args: ['another-secret-000000', header, BODY, 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'a stale timestamp (replayed later)', args: [SECRET, header, BODY, 300_000, T + 300_001], expected: { ok: false, reason: 'stale' } },
    { name: 'a timestamp from the future', args: [SECRET, header, BODY, 300_000, T - 300_001], expected: { ok: false, reason: 'stale' } },
    { name: 'a re-dated header (t changed, v1 kept)', args: [SECRET, header.replace(`t=${T}`, `t=${T + 60_000}`), BODY, 300_000, T + 60_000], expected: { ok: false, reason: 'mismatch' } },
    { name: 'no header', args: [SECRET, undefined, BODY, 300_000, T], expected: { ok: false, reason: 'missing' } },
    { name: 'garbage', args: [SECRET, 'sha256=abc', BODY, 300_000, T], expected: { ok: false, reason: 'malformed' } },
    { name: 'no v1', args: [SECRET, `t=${T}`, BODY, 300_000, T], expected: { ok: false, reason: 'malformed' } },
    { name: 'a rotated secret among several', args: [['old-secret-0000000000', SECRET], header, BODY, 300_000, T], expected: { ok: true, timestamp: T } },
  ];
  for (const c of cases) {
    it(`verifySignature: ${c.name}`, () => {
      expect(verifySignature(...c.args)).toEqual(c.expected);
    });
  }

  it('a header signed with two secrets verifies with either', () => {
    const both = signPayload(['old-secret-0000000000', SECRET], BODY, T);
    expect(verifySignature('old-secret-0000000000', both, BODY, 1_000, T).ok).toBe(true);
    expect(verifySignature(SECRET, both, BODY, 1_000, T).ok).toBe(true);
  });

  it('matches the test vector published in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const header = signPayload('whsec-example-0123456789', '{"version":1,"action":"block"}', 1_795_315_200_000);
    expect(header).toBe('t=1795315200000,v1=081853322d83f40dc8a20e135cdd3dcca1ee2deee8e35c96baf411134f751f32');
    expect(readme).toContain(header.split(',')[1]);
  });
});
