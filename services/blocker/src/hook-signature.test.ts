import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { signHook, verifyHook, type HookKey, type HookRequest } from './hook-signature.js';
import { WebhookClient } from './adapters/webhook-client.js';
import { SampleReceiver } from './sample-receiver.js';

const OLD: HookKey = { id: '2026-05', secret: 'old-secret-0000000000' };
const NEW: HookKey = { id: '2026-11', secret: 'new-secret-1111111111' };
const BODY = '{"action":"block","entity":"nl-voip-03"}';
const T = 1_790_000_000_000;
const EAST: HookRequest = { targetId: 'sbc-east', method: 'POST', path: '/hooks/telfraud' };

const headers = (s: { signature: string; keyIds: string }) => ({ signature: s.signature, keyIds: s.keyIds });

describe('hook signature v2', () => {
  it('is t=<ms>,v2=<hex HMAC-SHA256 over target, method, path, t and body>, key ids alongside, reproducible by hand', () => {
    const signed = signHook([NEW], EAST, BODY, T);
    const expected = createHmac('sha256', NEW.secret).update(`telfraud-hook-v2\nsbc-east\nPOST\n/hooks/telfraud\n${T}\n${BODY}`).digest('hex');
    expect(signed).toEqual({ signature: `t=${T},v2=${expected}`, keyIds: '2026-11' });
  });

  const one = signHook([NEW], EAST, BODY, T);
  const cases: { name: string; args: Parameters<typeof verifyHook>; expected: ReturnType<typeof verifyHook> }[] = [
    { name: 'a genuine request', args: [[NEW], EAST, headers(one), BODY, 300_000, T + 1_000], expected: { ok: true, timestamp: T, keyId: '2026-11' } },
    { name: 'a genuine request as a Buffer', args: [[NEW], EAST, headers(one), Buffer.from(BODY), 300_000, T], expected: { ok: true, timestamp: T, keyId: '2026-11' } },
    { name: 'a forged body', args: [[NEW], EAST, headers(one), BODY.replace('nl-voip-03', 'gb-bank-01'), 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'another target (same secret, other id)', args: [[NEW], { ...EAST, targetId: 'sbc-west' }, headers(one), BODY, 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'another path', args: [[NEW], { ...EAST, path: '/hooks/other' }, headers(one), BODY, 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'another method', args: [[NEW], { ...EAST, method: 'PUT' }, headers(one), BODY, 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'the wrong secret under the right key id', args: [[{ ...NEW, secret: 'another-secret-000000' }], EAST, headers(one), BODY, 300_000, T], expected: { ok: false, reason: 'mismatch' } },
    { name: 'a key id the receiver does not hold', args: [[OLD], EAST, headers(one), BODY, 300_000, T], expected: { ok: false, reason: 'unknown key' } },
    { name: 'a stale timestamp (replayed later)', args: [[NEW], EAST, headers(one), BODY, 300_000, T + 300_001], expected: { ok: false, reason: 'stale' } },
    { name: 'a timestamp from the future', args: [[NEW], EAST, headers(one), BODY, 300_000, T - 300_001], expected: { ok: false, reason: 'stale' } },
    { name: 'a re-dated header (t changed, v2 kept)', args: [[NEW], EAST, { ...headers(one), signature: one.signature.replace(`t=${T}`, `t=${T + 60_000}`) }, BODY, 300_000, T + 60_000], expected: { ok: false, reason: 'mismatch' } },
    { name: 'no signature', args: [[NEW], EAST, { signature: undefined, keyIds: '2026-11' }, BODY, 300_000, T], expected: { ok: false, reason: 'missing' } },
    { name: 'no key id', args: [[NEW], EAST, { signature: one.signature, keyIds: undefined }, BODY, 300_000, T], expected: { ok: false, reason: 'missing' } },
    { name: 'garbage', args: [[NEW], EAST, { signature: 'sha256=abc', keyIds: '2026-11' }, BODY, 300_000, T], expected: { ok: false, reason: 'malformed' } },
    { name: 'the old v1 form', args: [[NEW], EAST, { signature: `t=${T},v1=${'0'.repeat(64)}`, keyIds: '2026-11' }, BODY, 300_000, T], expected: { ok: false, reason: 'malformed' } },
    { name: 'more key ids than signatures', args: [[NEW], EAST, { signature: one.signature, keyIds: '2026-11,2026-05' }, BODY, 300_000, T], expected: { ok: false, reason: 'malformed' } },
  ];
  for (const c of cases) {
    it(`verifyHook: ${c.name}`, () => {
      expect(verifyHook(...c.args)).toEqual(c.expected);
    });
  }

  it('during a rotation the sender signs with both keys: a receiver holding either, or both, accepts', () => {
    const both = signHook([NEW, OLD], EAST, BODY, T);
    expect(both.keyIds).toBe('2026-11,2026-05');
    expect(verifyHook([OLD], EAST, headers(both), BODY, 1_000, T)).toEqual({ ok: true, timestamp: T, keyId: '2026-05' });
    expect(verifyHook([NEW], EAST, headers(both), BODY, 1_000, T)).toEqual({ ok: true, timestamp: T, keyId: '2026-11' });
    expect(verifyHook([OLD, NEW], EAST, headers(signHook([OLD], EAST, BODY, T)), BODY, 1_000, T).ok).toBe(true);
    expect(verifyHook([{ id: '2027-05', secret: 'next-secret-22222222' }], EAST, headers(both), BODY, 1_000, T)).toEqual({ ok: false, reason: 'unknown key' });
  });

  it('matches the test vector published in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const signed = signHook([{ id: '2026-11', secret: 'whsec-example-0123456789' }], EAST, '{"version":1,"action":"block"}', 1_795_315_200_000);
    expect(signed.signature).toBe('t=1795315200000,v2=9529eb34fc044c06d1c8ec4f0fee7876f7cd3cc4ca092b49718c666e40e4a002');
    expect(readme).toContain(signed.signature.split(',')[1]);
  });
});

describe('receivers with their own keys', () => {
  const receivers: SampleReceiver[] = [];
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.stop();
  });

  it('each accepts its own target\'s requests and rejects a request signed for another target, even relayed by that target', async () => {
    const east = await SampleReceiver.start({ targetId: 'sbc-east', keys: [{ id: 'e1', secret: 'east-secret-00000000' }] });
    const west = await SampleReceiver.start({ targetId: 'sbc-west', keys: [{ id: 'w1', secret: 'west-secret-00000000' }] });
    receivers.push(east, west);
    const client = new WebhookClient({
      targets: [{ id: 'sbc-east', url: east.url, keys: [{ id: 'e1', secret: 'east-secret-00000000' }] }, { id: 'sbc-west', url: west.url, keys: [{ id: 'w1', secret: 'west-secret-00000000' }] }],
      timeoutMs: 30_000, now: Date.now,
    });
    const body = '{"version":1,"action":"block","idempotency_key":"tf-1"}';
    expect((await client.attempt(east.url, body, 'tf-1', 1, 'block')).kind).toBe('delivered');
    expect((await client.attempt(west.url, body, 'tf-1', 1, 'block')).kind).toBe('delivered');
    // East replays what it received to West: West holds no key `e1`, and its own id is not in the signed string.
    const got = east.requests[0]!;
    const relayed = await fetch(west.url, {
      method: 'POST', body: got.rawBody,
      headers: { 'x-telfraud-signature': got.signature!, 'x-telfraud-key-id': got.keyIds!, 'x-telfraud-idempotency-key': 'tf-1' },
    });
    expect(relayed.status).toBe(401);
    expect(west.requests.at(-1)?.outcome).toBe('unknown key');
    // Even with a key of the same id and secret, the target id bound into the signature differs.
    const twin = await SampleReceiver.start({ targetId: 'sbc-west', keys: [{ id: 'e1', secret: 'east-secret-00000000' }] });
    receivers.push(twin);
    const same = await fetch(twin.url, {
      method: 'POST', body: got.rawBody,
      headers: { 'x-telfraud-signature': got.signature!, 'x-telfraud-key-id': got.keyIds!, 'x-telfraud-idempotency-key': 'tf-1' },
    });
    expect([same.status, twin.requests.at(-1)?.outcome]).toEqual([401, 'mismatch']);
  });
});
