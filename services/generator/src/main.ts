import { ConfigError, createLogger, exitOnServiceArgs, runService } from '@telfraud/common';
import { generatorSettings, loadGeneratorConfig, type GeneratorConfig } from './config.js';
import { startGeneratorService } from './stream/generator-service.js';

exitOnServiceArgs('generator', generatorSettings);

/** Streaming generator: configuration, logger, then the service under runService's signal handling. */
let config: GeneratorConfig;
try {
  config = loadGeneratorConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`generator: ${err.message}\n`);
  process.exit(2);
}
const logger = createLogger({ level: config.logLevel, base: { service: 'generator' } });
void runService({
  name: 'generator',
  logger,
  shutdownTimeoutMs: config.shutdownTimeoutMs,
  start: () => startGeneratorService(config, logger),
});
