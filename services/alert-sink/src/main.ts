#!/usr/bin/env node
import { createLogger, runService, serviceSettings } from '@telfraud/common';
import { loadAlertSinkConfig, type AlertSinkConfig } from './config.js';
import { startAlertSink } from './sink-service.js';

// Only wiring. A bad configuration is thrown inside start(), where runService reports every bad key and exits 2.
let config: AlertSinkConfig | undefined;
let configError: unknown;
try {
  config = loadAlertSinkConfig();
} catch (err) {
  configError = err;
}
const logger = createLogger({ level: config?.logLevel ?? 'info', base: { service: 'alert-sink' } });

await runService({
  name: 'alert-sink',
  logger,
  shutdownTimeoutMs: config?.shutdownTimeoutMs ?? serviceSettings.shutdownTimeoutMs.default,
  start: () => (config ? startAlertSink(config, logger) : Promise.reject(configError)),
});
