import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics-registry.js';
import { ServiceHttpServer, type HttpResponse } from './service-http-server.js';

const logger = createLogger({ level: 'error', write: () => undefined });
let server: ServiceHttpServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(route: (path: string) => HttpResponse | undefined): Promise<string> {
  server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: createMetricsRegistry('test'), logger, routes: (req) => route(req.path) });
  return `http://127.0.0.1:${server.port}`;
}

/** Resolves when `predicate` holds for the text received so far on a streaming GET; rejects if the stream ends first. */
function readUntil(url: string, predicate: (text: string) => boolean): Promise<{ text: string; response: http.IncomingMessage; request: http.ClientRequest }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (predicate(text)) resolve({ text, response, request });
      });
      response.on('end', () => reject(new Error(`stream ended first: ${text}`)));
    });
    request.on('error', reject);
  });
}

describe('ServiceHttpServer', () => {
  it('sends a Buffer body as bytes and other objects as JSON', async () => {
    const base = await start((p) => (p === '/bytes' ? { status: 200, body: Buffer.from([0, 1, 255]), contentType: 'image/png' } : p === '/json' ? { status: 201, body: { a: 1 } } : undefined));
    const bytes = await fetch(`${base}/bytes`);
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([0, 1, 255]);
    const json = await fetch(`${base}/json`);
    expect(json.status).toBe(201);
    expect(await json.json()).toEqual({ a: 1 });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('streams chunks as they are written and ends the stream when the server closes', async () => {
    let handlerSawAbort = false;
    let release: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (release = resolve));
    const base = await start((p) => p !== '/events' ? undefined : {
      status: 200, contentType: 'text/event-stream',
      stream: async (out) => {
        out.write('data: one\n\n');
        await new Promise<void>((resolve) => out.signal.addEventListener('abort', () => resolve(), { once: true }));
        handlerSawAbort = true;
        out.write('data: bye\n\n');
        release();
      },
    });
    const { response, text } = await readUntil(`${base}/events`, (t) => t.includes('data: one'));
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(text).toBe('data: one\n\n');
    let rest = '';
    const clientEnd = new Promise<void>((resolve) => {
      response.on('data', (c: string) => (rest += c));
      response.on('end', () => resolve());
    });
    await server!.close();
    await ended;
    await clientEnd;
    expect(handlerSawAbort).toBe(true);
    expect(rest).toBe('data: bye\n\n');
  });

  it('aborts the stream handler when the client goes away', async () => {
    let aborted: () => void = () => undefined;
    const sawAbort = new Promise<void>((resolve) => (aborted = resolve));
    const base = await start((p) => p !== '/events' ? undefined : {
      status: 200,
      stream: async (out) => {
        out.write('hello\n');
        await new Promise<void>((resolve) => out.signal.addEventListener('abort', () => resolve(), { once: true }));
        aborted();
      },
    });
    const { request } = await readUntil(`${base}/events`, (t) => t.includes('hello'));
    request.destroy();
    await sawAbort;
  });
});
