#!/usr/bin/env node
import { createLogger, exitOnServiceArgs, runService, serviceSettings } from '@telfraud/common';
import { detectorConfig, loadDetectorConfig, type DetectorConfig } from './config.js';
import { startDetector } from './detector-service.js';

exitOnServiceArgs('detector', detectorConfig);

// Only wiring. A bad configuration is thrown inside start(), where runService reports every problem and exits 2.
let config: DetectorConfig | undefined;
let configError: unknown;
try {
  config = loadDetectorConfig();
} catch (err) {
  configError = err;
}
const logger = createLogger({ level: config?.logLevel ?? 'info', base: { service: 'detector' } });

await runService({
  name: 'detector',
  logger,
  shutdownTimeoutMs: config?.shutdownTimeoutMs ?? serviceSettings.shutdownTimeoutMs.default,
  start: () => (config ? startDetector(config, logger) : Promise.reject(configError)),
});
