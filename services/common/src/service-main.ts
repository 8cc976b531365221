import type { ConfigDeclaration } from './config.js';
import { serviceSettings } from './common-settings.js';
import { runService, type ServiceHandle } from './lifecycle.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { exitOnServiceArgs } from './service-args.js';

export interface ServiceMainOptions<C extends { logLevel: LogLevel; shutdownTimeoutMs: number }> {
  name: string;
  /** The service's configuration declaration, for `--help`. */
  settings: ConfigDeclaration;
  load: () => C;
  start: (config: C, logger: Logger) => Promise<ServiceHandle>;
}

/**
 * A service's whole main, so that each `main.ts` only names its parts: answers `--help` (or a bad
 * argument), loads the configuration, and runs the service under `runService`. A bad configuration
 * is handed to `runService` as the start's failure, which names every bad key and exits 2.
 */
export async function serviceMain<C extends { logLevel: LogLevel; shutdownTimeoutMs: number }>(options: ServiceMainOptions<C>): Promise<void> {
  exitOnServiceArgs(options.name, options.settings);
  let config: C | undefined;
  let configError: unknown;
  try {
    config = options.load();
  } catch (err) {
    configError = err;
  }
  const logger = createLogger({ level: config?.logLevel ?? 'info', base: { service: options.name } });
  await runService({
    name: options.name,
    logger,
    shutdownTimeoutMs: config?.shutdownTimeoutMs ?? serviceSettings.shutdownTimeoutMs.default,
    start: () => (config ? options.start(config, logger) : Promise.reject(configError)),
  });
}
