import { ConfigError, createLogger, exitOnServiceArgs, runService } from '@telfraud/common';
import { registryConfig, loadRegistryConfig, type RegistryConfig } from './config.js';
import { startSchemaRegistry } from './registry-app.js';

exitOnServiceArgs('schema-registry', registryConfig);

let config: RegistryConfig;
try {
  config = loadRegistryConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`schema-registry: ${err.message}\n`);
  process.exit(2);
}

const logger = createLogger({ level: config.logLevel, base: { service: 'schema-registry' } });
await runService({
  name: 'schema-registry',
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  start: () => startSchemaRegistry(config, logger),
});
