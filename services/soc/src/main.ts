#!/usr/bin/env node
import { createLogger, exitOnServiceArgs, runService, serviceSettings } from '@telfraud/common';
import { socSettings, loadSocConfig, type SocConfig } from './config.js';
import { startSoc } from './soc-service.js';

exitOnServiceArgs('soc', socSettings);

// Only wiring. A bad configuration is thrown inside start(), where runService reports every problem and exits 2.
let config: SocConfig | undefined;
let configError: unknown;
try {
  config = loadSocConfig();
} catch (err) {
  configError = err;
}
const logger = createLogger({ level: config?.logLevel ?? 'info', base: { service: 'soc' } });

await runService({
  name: 'soc',
  logger,
  shutdownTimeoutMs: config?.shutdownTimeoutMs ?? serviceSettings.shutdownTimeoutMs.default,
  start: () => (config ? startSoc(config, logger) : Promise.reject(configError)),
});
