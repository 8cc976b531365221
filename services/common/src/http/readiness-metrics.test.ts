import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMetricsRegistry } from '../metrics-registry.js';
import { ServiceHttpServer } from './service-http-server.js';

const logger = createLogger({ level: 'error' });

/** The value of each `name{labels}` sample of the exposition text, keyed by its label text. */
function samples(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

describe('service_ready and service_readiness_check', () => {
  let server: ServiceHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function scrape(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${server!.port}/metrics`);
    return res.text();
  }

  it('follow /readyz: 0 before start-up completes, 1 once started with every check passing, 0 with the failing check named', async () => {
    const registry = createMetricsRegistry('test-service');
    server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: registry, logger });
    let clickhouseUp = true;
    server.addReadinessCheck({ name: 'clickhouse', check: () => Promise.resolve(clickhouseUp) });

    let text = await scrape();
    expect(samples(text, 'service_ready')).toEqual({ '{service="test-service"}': 0 });
    expect(samples(text, 'service_readiness_check')).toEqual({
      '{check="started",service="test-service"}': 0, '{check="clickhouse",service="test-service"}': 1,
    });

    server.setReady(true);
    text = await scrape();
    expect(samples(text, 'service_ready')).toEqual({ '{service="test-service"}': 1 });

    clickhouseUp = false;
    text = await scrape();
    expect(samples(text, 'service_ready')).toEqual({ '{service="test-service"}': 0 });
    expect(samples(text, 'service_readiness_check')['{check="clickhouse",service="test-service"}']).toBe(0);
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(503);
  });

  it('count a check that throws or hangs as not ready, without failing the scrape', async () => {
    const registry = createMetricsRegistry('test-service');
    server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: registry, logger });
    server.setReady(true);
    server.addReadinessCheck({ name: 'broken', check: () => Promise.reject(new Error('boom')) });
    let text = await scrape();
    expect(samples(text, 'service_ready')).toEqual({ '{service="test-service"}': 0 });
    expect(samples(text, 'service_readiness_check')['{check="broken",service="test-service"}']).toBe(0);

    const registry2 = createMetricsRegistry('test-service');
    await server.close();
    server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: registry2, logger });
    server.setReady(true);
    server.addReadinessCheck({ name: 'hung', check: () => new Promise<boolean>(() => {}) });
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    text = await res.text();
    expect(samples(text, 'service_ready')).toEqual({ '{service="test-service"}': 0 });
    expect(samples(text, 'service_readiness_check')).toEqual({ '{check="readiness_timeout",service="test-service"}': 0 });
  });

  it('survive a second server started on the same registry (the newest one reports)', async () => {
    const registry = createMetricsRegistry('test-service');
    const first = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: registry, logger });
    await first.close();
    server = await ServiceHttpServer.start({ host: '127.0.0.1', port: 0, metrics: registry, logger });
    server.setReady(true);
    expect(samples(await scrape(), 'service_ready')).toEqual({ '{service="test-service"}': 1 });
  });
});
