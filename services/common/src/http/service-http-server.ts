import http from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.js';

const STREAM_END_GRACE_MS = 2_000;

export interface HttpRequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** What a streaming handler writes to: chunks as they come, and a signal that ends the stream. */
export interface HttpResponseStream {
  /** Writes a chunk; false when the client is gone (or the socket's buffer is full). */
  write(chunk: string): boolean;
  /** Aborted when the client disconnects or the server closes: the handler must return soon after. */
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** A string is sent as text, a Buffer as is, anything else as JSON. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * A streaming response (server-sent events): the head is sent at once, then `stream` writes
   * until it resolves or its signal aborts; `body` is ignored.
   */
  stream?: (out: HttpResponseStream) => Promise<void>;
}

export type RouteHandler = (req: HttpRequestContext) => Promise<HttpResponse> | HttpResponse;

export interface ReadinessCheck {
  name: string;
  check: () => boolean | Promise<boolean>;
}

export interface ServiceHttpServerOptions {
  host: string;
  port: number;
  metrics: Registry;
  logger: Logger;
  maxBodyBytes?: number;
  /** Extra routes, tried before the built-in ones; return undefined to fall through. */
  routes?: (req: HttpRequestContext) => Promise<HttpResponse | undefined> | HttpResponse | undefined;
}

/**
 * Every service's HTTP face: `/metrics` for Prometheus, `/healthz` (the process is alive),
 * `/readyz` (it is connected and working), plus optional routes. Bodies are capped.
 */
export class ServiceHttpServer {
  private readonly server: http.Server;
  private readonly checks: ReadinessCheck[] = [];
  private ready = false;
  /** Open streaming responses: their abort switch and the promise of their end. */
  private readonly streams = new Map<AbortController, Promise<void>>();
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: ServiceHttpServerOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  static async start(options: ServiceHttpServerOptions): Promise<ServiceHttpServer> {
    const s = new ServiceHttpServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(options.port, options.host, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    options.logger.info('http server listening', { host: options.host, port: s.port });
    return s;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  private async readiness(): Promise<{ ok: boolean; checks: Record<string, boolean> }> {
    const checks: Record<string, boolean> = { started: this.ready };
    for (const c of this.checks) {
      try {
        checks[c.name] = await c.check();
      } catch {
        checks[c.name] = false;
      }
    }
    return { ok: Object.values(checks).every(Boolean), checks };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const max = this.options.maxBodyBytes ?? 1_048_576;
    try {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > max) return this.send(res, { status: 413, body: { error_code: 413, message: `body over ${max} bytes` } }, true);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > max) return this.send(res, { status: 413, body: { error_code: 413, message: `body over ${max} bytes` } }, true);
        chunks.push(chunk as Buffer);
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const ctx: HttpRequestContext = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
      const custom = await this.options.routes?.(ctx);
      if (custom) return this.send(res, custom);
      if (ctx.method === 'GET' && ctx.path === '/metrics') {
        const text = await this.options.metrics.metrics();
        return this.send(res, { status: 200, body: text, contentType: this.options.metrics.contentType });
      }
      if (ctx.method === 'GET' && ctx.path === '/healthz') return this.send(res, { status: 200, body: { status: 'ok' } });
      if (ctx.method === 'GET' && ctx.path === '/readyz') {
        const r = await this.readiness();
        return this.send(res, { status: r.ok ? 200 : 503, body: { status: r.ok ? 'ready' : 'not ready', checks: r.checks } });
      }
      return this.send(res, { status: 404, body: { error_code: 404, message: 'not found' } });
    } catch (err) {
      this.options.logger.error('http handler failed', { err });
      return this.send(res, { status: 500, body: { error_code: 500, message: 'internal error' } });
    }
  }

  private send(res: http.ServerResponse, r: HttpResponse, close = false): void | Promise<void> {
    if (res.headersSent) return;
    if (r.stream) return this.sendStream(res, r, r.stream);
    const isText = typeof r.body === 'string';
    const isBytes = Buffer.isBuffer(r.body);
    const payload = r.body === undefined ? '' : isText || isBytes ? (r.body as string | Buffer) : JSON.stringify(r.body);
    res.writeHead(r.status, {
      'content-type': r.contentType ?? (isText ? 'text/plain; charset=utf-8' : isBytes ? 'application/octet-stream' : 'application/json'),
      ...(close ? { connection: 'close' } : {}),
      ...r.headers,
    });
    res.end(payload);
  }

  private async sendStream(res: http.ServerResponse, r: HttpResponse, stream: NonNullable<HttpResponse['stream']>): Promise<void> {
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    res.writeHead(r.status, { 'content-type': r.contentType ?? 'text/plain; charset=utf-8', 'cache-control': 'no-cache', ...r.headers });
    res.flushHeaders();
    if (this.closing) abort.abort();
    const done = (async () => {
      try {
        await stream({ write: (chunk) => !res.destroyed && res.write(chunk), signal: abort.signal });
      } catch (err) {
        this.options.logger.error('http stream failed', { err });
      } finally {
        this.streams.delete(abort);
        res.end();
      }
    })();
    this.streams.set(abort, done);
    return done;
  }

  /**
   * Stops listening, ends open streams (their handlers see the abort and finish their response,
   * for at most STREAM_END_GRACE_MS), then drops every connection left.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const ending = [...this.streams.values()];
      for (const abort of this.streams.keys()) abort.abort();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(ending), new Promise((resolve) => (timer = setTimeout(resolve, STREAM_END_GRACE_MS)))]);
      clearTimeout(timer);
      this.server.closeAllConnections();
      await closed;
    })();
    return this.closing;
  }
}
