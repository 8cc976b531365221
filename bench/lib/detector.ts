import { freePort, httpStatus } from '../../test/support/net.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { StackEnv } from './kafka.js';
import { NodeService } from './node-service.js';
import { scrape } from './prom-text.js';
import { sleep } from './progress.js';
import type { Sample } from './stats.js';

export interface DetectorTopics {
  calls: string;
  sms: string;
  alerts: string;
  victims: string;
}

export interface RunningDetector {
  service: NodeService;
  port: number;
  metricsUrl: string;
}

/** One detector process on its own port and topics, default rule pack, reading from the earliest offset. */
export async function startDetector(
  env: StackEnv,
  options: { name: string; groupId: string; topics: DetectorTopics; referenceDir: string; extraEnv?: Record<string, string>; nodeArgs?: string[] },
): Promise<RunningDetector> {
  const port = await freePort();
  const { topics } = options;
  const service = NodeService.start(options.name, 'services/detector/dist/main.js', {
    ...env,
    DETECTOR_HTTP_PORT: String(port),
    DETECTOR_GROUP_ID: options.groupId,
    DETECTOR_FROM_BEGINNING: 'true',
    DETECTOR_CALL_TOPIC: topics.calls,
    DETECTOR_SMS_TOPIC: topics.sms,
    DETECTOR_ALERT_TOPIC: topics.alerts,
    DETECTOR_VICTIM_TOPIC: topics.victims,
    DETECTOR_REFERENCE_DIR: options.referenceDir,
    LOG_LEVEL: 'warn',
    ...options.extraEnv,
  }, options.nodeArgs);
  return { service, port, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** Ready means the consumer got its first assignment. */
export async function waitReady(d: RunningDetector, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${d.service.name} ready`, async () => {
    if (!d.service.running) throw new Error(`${d.service.name} exited:\n${d.service.log.slice(-3000)}`);
    return (await httpStatus(`http://127.0.0.1:${d.port}/readyz`)) === 200 ? true : undefined;
  }, timeoutMs).catch((err: Error) => {
    throw new Error(`${err.message}\n--- ${d.service.name} log ---\n${d.service.log.slice(-3000)}`);
  });
}

export async function consumedBy(detectors: readonly RunningDetector[]): Promise<number> {
  const values = await Promise.all(detectors.map((d) => scrape(d.metricsUrl, ['fraud_events_consumed_total'])));
  return values.reduce((sum, v) => sum + (v['fraud_events_consumed_total'] ?? 0), 0);
}

/**
 * Polls the detectors' consumed counters until they reach `target` (counted from `base`); returns
 * the samples, time relative to `t0`. Fails when a detector dies or `timeoutMs` passes.
 */
export async function sampleUntil(
  detectors: readonly RunningDetector[],
  target: number,
  options: { t0: number; base?: number; timeoutMs: number; everyMs?: number; onProgress?: (n: number) => void },
): Promise<{ samples: Sample[]; done: boolean }> {
  const samples: Sample[] = [];
  const base = options.base ?? 0;
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = Date.now();
  for (;;) {
    const n = (await consumedBy(detectors)) - base;
    const t = Date.now() - options.t0;
    samples.push({ t, n });
    if (n >= target) return { samples, done: true };
    const dead = detectors.find((d) => !d.service.running);
    if (dead) throw new Error(`${dead.service.name} exited during the run:\n${dead.service.log.slice(-3000)}`);
    if (Date.now() > deadline) return { samples, done: false };
    if (options.onProgress && Date.now() - lastReport > 5_000) {
      lastReport = Date.now();
      options.onProgress(n);
    }
    await sleep(options.everyMs ?? 100);
  }
}
