#!/usr/bin/env node
import { createLogger, exitOnServiceArgs, runService, serviceSettings } from '@telfraud/common';
import { startBlocker } from './blocker-service.js';
import { blockerSettings, loadBlockerConfig, type BlockerConfig } from './config.js';

exitOnServiceArgs('blocker', blockerSettings);

// Only wiring. A bad configuration or policy is thrown inside start(), where runService reports every problem and exits 2.
let config: BlockerConfig | undefined;
let configError: unknown;
try {
  config = loadBlockerConfig();
} catch (err) {
  configError = err;
}
const logger = createLogger({ level: config?.logLevel ?? 'info', base: { service: 'blocker' } });

await runService({
  name: 'blocker',
  logger,
  shutdownTimeoutMs: config?.shutdownTimeoutMs ?? serviceSettings.shutdownTimeoutMs.default,
  start: () => (config ? startBlocker(config, logger) : Promise.reject(configError)),
});
