#!/usr/bin/env node
import { createLogger, exitOnServiceArgs, runService, serviceSettings } from '@telfraud/common';
import { alertSinkSettings, loadAlertSinkConfig, type AlertSinkConfig } from './config.js';
import { startAlertSink } from './sink-service.js';

exitOnServiceArgs('alert-sink', alertSinkSettings);

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
