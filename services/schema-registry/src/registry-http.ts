import { isPipelineError, type HttpRequestContext, type HttpResponse, type Logger } from '@telfraud/common';
import { checkAccess, type RegistryAccess } from './registry-access.js';
import { RegistryError, registryErrors } from './registry-errors.js';
import type { RegistryMetrics } from './registry-metrics.js';
import type { ApiHandler, ApiResult } from './registry-routes.js';
import type { RouteTable } from './route-table.js';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface RegistryHttpOptions {
  table: RouteTable<ApiHandler>;
  metrics: RegistryMetrics;
  logger: Logger;
  /** False until the log has been replayed: the API answers 503 until then. */
  isReady: () => boolean;
  /** Basic-auth users and read-only mode; none: open and writable. */
  access?: RegistryAccess;
}

function errorResponse(err: unknown, logger: Logger): HttpResponse {
  if (err instanceof RegistryError) {
    return { status: err.httpStatus, body: err.toBody(), ...(err.httpStatus === 401 ? { headers: { 'WWW-Authenticate': 'Basic realm="schema-registry"' } } : {}) };
  }
  if (isPipelineError(err)) {
    logger.error('registry store error', { err });
    const e = registryErrors.store(err.message);
    return { status: e.httpStatus, body: e.toBody() };
  }
  logger.error('registry request failed', { err });
  return { status: 500, body: { error_code: 500, message: 'internal error' } };
}

function parseBody(ctx: HttpRequestContext): unknown {
  if (ctx.body.length === 0) return undefined;
  try {
    return JSON.parse(ctx.body.toString('utf8'));
  } catch (err) {
    throw registryErrors.badRequest(`the body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The `routes` hook for ServiceHttpServer: dispatches the registry API, answers Confluent's
 * content type and error bodies, counts requests by route template. Paths outside the API fall
 * through to the server's /metrics, /healthz and /readyz. Query parameters a handler does not
 * read are ignored.
 */
export function registryHttpRoutes(options: RegistryHttpOptions): (ctx: HttpRequestContext) => Promise<HttpResponse | undefined> {
  const { table, metrics, logger } = options;
  return async (ctx) => {
    const lookup = table.lookup(ctx.method, ctx.path);
    if (!lookup) return undefined;
    const route = 'found' in lookup ? lookup.found.template : 'unmatched';
    const stopTimer = metrics.requestSeconds.startTimer({ route });
    let response: HttpResponse;
    try {
      if (!('found' in lookup)) throw registryErrors.methodNotAllowed(ctx.method, ctx.path);
      if (options.access) checkAccess(options.access, ctx.headers, `${ctx.method} ${route}`, lookup.found.params['subject']);
      if (!options.isReady()) throw registryErrors.notReady();
      const result: ApiResult = await lookup.found.handler({ params: lookup.found.params, query: ctx.query, body: parseBody(ctx) });
      response = { status: result.status ?? 200, body: result.raw ? String(result.body) : result.body };
    } catch (err) {
      response = errorResponse(err, logger);
    }
    stopTimer();
    metrics.requests.inc({ method: ctx.method, route, status: String(response.status) });
    return { ...response, contentType: REGISTRY_CONTENT_TYPE };
  };
}
