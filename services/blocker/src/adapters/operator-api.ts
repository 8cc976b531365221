import type { HttpRequestContext, HttpResponse } from '@telfraud/common';
import type { ActiveBlock } from '../core/block-book.js';
import type { BlockerCore, Plan } from '../core/blocker-core.js';
import { hasBearerToken } from './bearer-auth.js';

export const OPERATOR_PREFIX = '/api/v1/';

export interface OperatorApiDeps {
  token: string | undefined;
  core: BlockerCore;
  now: () => number;
  /** Makes a state change and carries out its plan (in the serial queue when `queued`); resolves when stored. */
  apply: (change: (now: number) => Plan, queued: boolean) => Promise<Plan>;
}

const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({ status, body, ...(headers ? { headers } : {}) });
const error = (status: number, message: string, headers?: Record<string, string>): HttpResponse => json(status, { error_code: status, message }, headers);

export function blockView(b: ActiveBlock): Record<string, unknown> {
  return {
    entity_type: b.entityType, entity: b.entity, action: b.kind, rule_id: b.ruleId, alert_id: b.alertId, severity: b.severity,
    block_epoch: b.epoch, started_at: b.startedAt, expires_at: b.expiresAt, announcement: b.announcement ?? null, dry_run: b.dryRun,
  };
}

function actor(req: HttpRequestContext): string {
  const h = req.headers['x-operator'];
  const name = typeof h === 'string' ? h.replace(/[^\w.@ -]/g, '').slice(0, 64).trim() : '';
  return name === '' ? 'operator' : name;
}

function parseLift(body: Buffer): { entity_type: string; entity: string } | undefined {
  try {
    const v = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    return typeof v['entity_type'] === 'string' && typeof v['entity'] === 'string' && v['entity'] !== ''
      ? { entity_type: v['entity_type'], entity: v['entity'] } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The operator API on the service's HTTP server (routes hook): everything under /api/v1/ needs
 * `Authorization: Bearer <BLOCKER_OPERATOR_TOKEN>`; other paths fall through to /metrics etc.
 */
export function createOperatorRoutes(deps: OperatorApiDeps): (req: HttpRequestContext) => Promise<HttpResponse | undefined> {
  return async (req) => {
    if (!req.path.startsWith(OPERATOR_PREFIX)) return undefined;
    if (!deps.token) return error(503, 'operator API disabled: BLOCKER_OPERATOR_TOKEN is not set');
    if (!hasBearerToken(req.headers, deps.token)) return error(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="blocker"' });
    const route = `${req.method} ${req.path.slice(OPERATOR_PREFIX.length - 1)}`;
    const who = actor(req);
    const done = (plan: Plan): HttpResponse => json(200, { decision: plan.decision, status: statusView(deps) });
    switch (route) {
      case 'GET /status':
        return json(200, statusView(deps));
      case 'GET /blocks':
        return json(200, { blocks: deps.core.book.list().map(blockView) });
      case 'POST /blocks/lift': {
        const target = parseLift(req.body);
        if (!target) return error(400, 'body must be JSON {"entity_type": "...", "entity": "..."}');
        const plan = await deps.apply((now) => deps.core.lift(target.entity_type, target.entity, now, who), true);
        return plan.decision.result === 'skipped' ? error(404, `no active block on ${target.entity_type} ${target.entity}`) : done(plan);
      }
      case 'POST /automation/pause':
        return done(await deps.apply((now) => deps.core.pause(now, who), false));
      case 'POST /automation/resume':
        return done(await deps.apply((now) => deps.core.resume(now, who), false));
      case 'POST /breaker/reset':
        return done(await deps.apply((now) => deps.core.resetBreaker(now, who), false));
      default:
        return error(404, `no operator route ${req.method} ${req.path}`);
    }
  };
}

function statusView(deps: OperatorApiDeps): Record<string, unknown> {
  const s = deps.core.status(deps.now());
  return {
    paused: s.paused, dry_run: s.dryRun, active_blocks: s.activeBlocks.length,
    breaker: {
      state: s.breaker.kind, since: s.breaker.kind === 'open' ? s.breaker.since : null,
      requests_last_minute: s.breaker.requestsLastMinute, max_per_minute: s.breaker.maxPerMinute,
    },
  };
}
