import { ConfigError } from './config.js';
import { PipelineError } from './errors.js';
import type { Logger } from './logger.js';

/** STARTING → RUNNING → STOPPING → STOPPED, or FAILED from any of them. */
export type ServiceState = 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

/** Closes what was opened, in reverse order of opening; each close runs once even if asked twice. */
export class ResourceStack {
  private readonly entries: { name: string; close: () => Promise<void> | void }[] = [];

  constructor(private readonly logger: Logger) {}

  push(name: string, close: () => Promise<void> | void): void {
    this.entries.push({ name, close });
  }

  readonly closeAll = stopOnce(async () => {
    for (const entry of [...this.entries].reverse()) {
      try {
        await entry.close();
        this.logger.debug('closed', { resource: entry.name });
      } catch (err) {
        this.logger.error('close failed', { resource: entry.name, err });
      }
    }
  });
}

/** `stop` made safe to call twice (a signal and a crash, two signals): later calls get the first call's promise. */
export function stopOnce(stop: () => Promise<void>): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= stop());
}

export interface ServiceHandle {
  /** Graceful stop: readiness off, stop fetching, finish in-flight work, flush, commit, close. */
  stop(): Promise<void>;
  /** Resolves if the service ends on its own (a fatal consumer crash); rejects with the reason. */
  done?: Promise<void>;
}

export interface RunServiceOptions {
  name: string;
  logger: Logger;
  shutdownTimeoutMs: number;
  start: () => Promise<ServiceHandle>;
}

/**
 * The one place that traps signals: a service's main hands its async factory here. A bad
 * configuration exits 2 with the message naming every bad key; a stop that overruns its
 * deadline exits 1 with SHUTDOWN_TIMEOUT.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { logger, name } = options;
  let state: ServiceState = 'STARTING';
  let handle: ServiceHandle | undefined;
  let stopRequested = false;

  const exit = (code: number): void => {
    // Let stderr drain before leaving.
    setImmediate(() => process.exit(code));
  };

  const shutdown = async (reason: string): Promise<void> => {
    if (state === 'STARTING') {
      stopRequested = true;
      return;
    }
    if (state !== 'RUNNING') return;
    state = 'STOPPING';
    logger.info('shutting down', { service: name, reason });
    const timer = setTimeout(() => {
      logger.error('shutdown deadline passed', { code: 'SHUTDOWN_TIMEOUT', timeoutMs: options.shutdownTimeoutMs });
      exit(1);
    }, options.shutdownTimeoutMs);
    timer.unref();
    try {
      if (handle) await handle.stop();
      state = 'STOPPED';
      logger.info('stopped', { service: name });
      clearTimeout(timer);
      exit(0);
    } catch (err) {
      state = 'FAILED';
      logger.error('shutdown failed', { err });
      exit(1);
    }
  };

  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => {
    logger.error('unhandled rejection', { err });
  });

  try {
    handle = await options.start();
  } catch (err) {
    state = 'FAILED';
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      exit(2);
    } else {
      logger.error('start failed', { err, code: err instanceof PipelineError ? err.code : 'INTERNAL' });
      exit(1);
    }
    return;
  }
  state = 'RUNNING';
  if (stopRequested) {
    await shutdown('signal during start-up');
    return;
  }
  logger.info('running', { service: name });
  handle.done?.then(
    () => void shutdown('service finished'),
    (err: unknown) => {
      logger.error('service failed', { err });
      state = 'FAILED';
      void handle?.stop().finally(() => exit(1));
    },
  );
}
