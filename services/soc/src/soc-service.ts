import { existsSync } from 'node:fs';
import { createMetricsRegistry, ResourceStack, ServiceHttpServer, stopOnce, type Logger, type ServiceHandle } from '@telfraud/common';
import { TokenDirectory } from './access/tokens.js';
import { createSocRoutes } from './api/soc-routes.js';
import { BlockerClient } from './blocker/blocker-client.js';
import type { SocConfig } from './config.js';
import { ConsoleFiles } from './static/console-files.js';
import { createSocMetrics } from './soc-metrics.js';
import { SocStore } from './store/soc-store.js';
import { AlertFeed } from './stream/alert-feed.js';

export interface SocHandle extends ServiceHandle {
  readonly httpPort: number;
}

/**
 * Builds and starts the soc service: the HTTP face (API, console, metrics, health), the ClickHouse
 * store and the shared live-alert poller. Ready while ClickHouse answers and every table the API
 * uses exists. `stop()`: readiness off, open live streams end, the poller stops, the server and
 * the ClickHouse client close.
 */
export async function startSoc(config: SocConfig, logger: Logger): Promise<SocHandle> {
  const resources = new ResourceStack(logger);
  try {
    const registry = createMetricsRegistry('soc');
    const metrics = createSocMetrics(registry);
    const store = SocStore.create(config, logger);
    resources.push('clickhouse', () => store.close());
    const feed = new AlertFeed(store, { pollMs: config.pollMs, logger: logger.child({ component: 'live-feed' }), onPoll: (result) => metrics.feedPolls.inc({ result }) });
    resources.push('live feed', () => feed.close());
    const consoleFiles = new ConsoleFiles(config.consoleDir);
    if (!existsSync(consoleFiles.dir)) logger.warn('no built console: / answers 404 until it is built', { dir: consoleFiles.dir });

    const http = await ServiceHttpServer.start({
      host: config.httpHost, port: config.httpPort, metrics: registry, logger, maxBodyBytes: 16_384,
      routes: createSocRoutes({
        tokens: new TokenDirectory(config.tokens), store, feed, console: consoleFiles, metrics, logger, now: Date.now,
        blocker: new BlockerClient({ url: config.blockerUrl, token: config.blockerOperatorToken, timeoutMs: config.blockerTimeoutMs }),
      }),
    });
    resources.push('http server', () => http.close());
    let lastMissing = '';
    http.addReadinessCheck({
      name: 'clickhouse', check: async () => {
        if (!(await store.ping())) return false;
        const missing = (await store.missingTables()).join(', ');
        if (missing !== lastMissing && missing !== '') logger.warn('ClickHouse tables missing: run the migrations (infra/clickhouse/migrate.sh)', { missing });
        lastMissing = missing;
        return missing === '';
      },
    });
    http.setReady(true);
    logger.info('soc service started', { users: config.tokens.length, console: consoleFiles.dir, blockerLifts: config.blockerOperatorToken !== undefined });
    if (config.blockerOperatorToken === undefined) logger.warn('SOC_BLOCKER_OPERATOR_TOKEN is not set: block lifts answer 503');

    const stop = stopOnce(async () => {
      http.setReady(false);
      await resources.closeAll();
    });
    return { stop, httpPort: http.port };
  } catch (err) {
    await resources.closeAll();
    throw err;
  }
}
