import { describe, expect, it } from 'vitest';
import type { HttpRequestContext } from '@telfraud/common';
import type { Plan } from '../core/blocker-core.js';
import { alert, T0, testCore } from '../core/fixtures.test-support.js';
import { createOperatorRoutes } from './operator-api.js';

const TOKEN = 'operator-token-0123456789';

function setup(token: string | null = TOKEN) {
  const core = testCore();
  const applied: Plan[] = [];
  const routes = createOperatorRoutes({ token: token ?? undefined, core, now: () => T0, apply: async (change) => {
    const plan = change(T0);
    applied.push(plan);
    return plan;
  } });
  const call = (method: string, path: string, body?: unknown, auth: string | null = `Bearer ${TOKEN}`) => {
    const req: HttpRequestContext = {
      method, path, query: new URLSearchParams(), body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
      headers: { ...(auth ? { authorization: auth } : {}), 'x-operator': 'alice' },
    };
    return routes(req);
  };
  return { core, applied, call };
}

describe('operator API', () => {
  it('leaves other paths to the built-in routes', async () => {
    expect(await setup().call('GET', '/metrics')).toBeUndefined();
  });

  const denied: [string, string | null][] = [['no token', null], ['a wrong token', 'Bearer nope-nope-nope-nope'], ['another scheme', `Basic ${TOKEN}`]];
  for (const [name, auth] of denied) {
    it(`refuses ${name} with 401`, async () => {
      const { call, applied } = setup();
      const res = await call('POST', '/api/v1/automation/pause', undefined, auth);
      expect(res?.status).toBe(401);
      expect(res?.headers?.['www-authenticate']).toMatch(/^Bearer/);
      expect(applied).toEqual([]);
    });
  }

  it('answers 503 when no token is configured', async () => {
    expect((await setup(null).call('GET', '/api/v1/blocks'))?.status).toBe(503);
  });

  it('lists active blocks and lifts one', async () => {
    const { core, call, applied } = setup();
    core.onAlert(alert(), T0);
    const list = await call('GET', '/api/v1/blocks');
    expect(list?.body).toEqual({ blocks: [expect.objectContaining({ entity_type: 'ingress_trunk', entity: 'nl-voip-03', action: 'block', expires_at: T0 + 3_600_000 })] });
    const lift = await call('POST', '/api/v1/blocks/lift', { entity_type: 'ingress_trunk', entity: 'nl-voip-03' });
    expect(lift?.status).toBe(200);
    expect(applied[0]?.decision).toMatchObject({ action: 'unblock', result: 'lifted', reason: 'operator: lifted by alice' });
    expect(core.book.size).toBe(0);
    expect((await call('POST', '/api/v1/blocks/lift', { entity_type: 'ingress_trunk', entity: 'nl-voip-03' }))?.status).toBe(404);
    expect((await call('POST', '/api/v1/blocks/lift', { entity: 42 }))?.status).toBe(400);
  });

  it('pauses, resumes and resets the breaker, reporting status', async () => {
    const { core, call } = setup();
    await call('POST', '/api/v1/automation/pause');
    expect(core.paused).toBe(true);
    expect((await call('GET', '/api/v1/status'))?.body).toMatchObject({ paused: true, dry_run: false, breaker: { state: 'closed', max_per_minute: 5 } });
    await call('POST', '/api/v1/automation/resume');
    expect(core.paused).toBe(false);
    for (let i = 0; i < 6; i++) core.onAlert(alert({ alert_id: `m${i}`, entity: `t${i}` }), T0);
    expect(core.breaker.state.kind).toBe('open');
    const reset = await call('POST', '/api/v1/breaker/reset');
    expect(reset?.body).toMatchObject({ decision: { action: 'breaker_reset' }, status: { breaker: { state: 'closed' } } });
    expect((await call('DELETE', '/api/v1/everything'))?.status).toBe(404);
  });
});
