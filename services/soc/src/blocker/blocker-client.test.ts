import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocApiError } from '../api/api-error.js';
import { BlockerClient, parseLiftTarget } from './blocker-client.js';

const TOKEN = 'blocker-operator-token-0123';

/** A stand-in for the blocker's operator API that checks what the blocker checks. */
describe('BlockerClient', () => {
  let server: http.Server;
  let url = '';
  const seen: { operator: unknown; body: unknown }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.method !== 'POST' || req.url !== '/api/v1/blocks/lift') return res.writeHead(404).end('{"error_code":404,"message":"no route"}');
        if (req.headers['authorization'] !== `Bearer ${TOKEN}`) return res.writeHead(401).end('{"error_code":401,"message":"missing or wrong bearer token"}');
        seen.push({ operator: req.headers['x-operator'], body: JSON.parse(body) });
        res.writeHead(200).end(JSON.stringify({ decision: { action: 'unblock', result: 'lifted' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('forwards the lift with the blocker\'s token and the operator\'s name, and hands back the answer', async () => {
    const answer = await new BlockerClient({ url, token: TOKEN, timeoutMs: 2_000 }).lift({ entity_type: 'ingress_trunk', entity: 'trunk-A' }, 'cy');
    expect(answer).toEqual({ status: 200, body: { decision: { action: 'unblock', result: 'lifted' } } });
    expect(seen).toEqual([{ operator: 'cy', body: { entity_type: 'ingress_trunk', entity: 'trunk-A' } }]);
  });

  it('passes the blocker\'s refusal through as its status', async () => {
    const answer = await new BlockerClient({ url, token: 'another-token-0123456', timeoutMs: 2_000 }).lift({ entity_type: 'ingress_trunk', entity: 'x' }, 'cy');
    expect(answer.status).toBe(401);
  });

  it('is a 503 without a token and a 502 when the blocker does not answer', async () => {
    await expect(new BlockerClient({ url, token: undefined, timeoutMs: 2_000 }).lift({ entity_type: 'a', entity: 'b' }, 'cy')).rejects.toMatchObject({ status: 503 });
    const dead = new BlockerClient({ url: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 2_000 });
    await expect(dead.lift({ entity_type: 'a', entity: 'b' }, 'cy')).rejects.toBeInstanceOf(SocApiError);
    await expect(dead.lift({ entity_type: 'a', entity: 'b' }, 'cy')).rejects.toMatchObject({ status: 502 });
  });

  it.each(['', 'null', '[]', '{"entity_type":"ingress_trunk"}', '{"entity_type":"","entity":"x"}', '{"entity_type":"a","entity":7}'])('refuses the lift body %s', (body) => {
    expect(() => parseLiftTarget(Buffer.from(body))).toThrow(SocApiError);
  });
});
