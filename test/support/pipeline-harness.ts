import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeReferenceDir } from '@telfraud/generator';
import { brokerControl } from './broker-control.js';
import { TestDatabase } from './clickhouse-db.js';
import { freePort, httpStatus } from './net.js';
import { addScrapeTargets } from './prometheus.js';
import { ServiceProcess } from './service-process.js';
import { waitFor } from './wait-for.js';

export interface PipelineTopics {
  calls: string;
  sms: string;
  alerts: string;
  victims: string;
}

/**
 * A detector and an alert-sink of their own on the real local stack: fresh topics, a fresh
 * ClickHouse database, their own consumer groups and ports, scraped by Prometheus with a `run`
 * label. Nothing is shared with the demo or another test.
 */
export class PipelineHarness {
  readonly services: ServiceProcess[] = [];
  private cleanups: (() => void | Promise<void>)[] = [];

  private constructor(
    readonly run: string,
    readonly env: Record<string, string>,
    readonly topics: PipelineTopics,
    readonly db: TestDatabase,
    readonly referenceDir: string,
    readonly ports: { detector: number; sink: number },
  ) {}

  static async start(run: string, env: Record<string, string>): Promise<PipelineHarness> {
    const topics: PipelineTopics = { calls: `t-${run}-calls`, sms: `t-${run}-sms`, alerts: `t-${run}-alerts`, victims: `t-${run}-victims` };
    const control = env['KAFKA_CONTROL'];
    if (!control) throw new Error('KAFKA_CONTROL missing from .data/env');
    for (const [topic, partitions] of [[topics.calls, 6], [topics.sms, 6], [topics.alerts, 3], [topics.victims, 3]] as const) {
      await brokerControl(control, `create-topic ${topic} ${partitions}`);
      await brokerControl(control, `create-topic ${topic}-dlq 1`);
    }
    const db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `t_${run.replace(/-/g, '_')}`);
    const referenceDir = mkdtempSync(path.join(tmpdir(), `telfraud-ref-${run}-`));
    await writeReferenceDir(referenceDir);
    const ports = { detector: await freePort(), sink: await freePort() };
    const h = new PipelineHarness(run, env, topics, db, referenceDir, ports);
    h.cleanups.push(() => db.drop());
    h.cleanups.push(addScrapeTargets(run, [{ port: ports.detector, job: 'detector' }, { port: ports.sink, job: 'alert-sink' }]));
    const detector = ServiceProcess.start('detector', 'services/detector/dist/main.js', {
      ...env,
      DETECTOR_HTTP_PORT: String(ports.detector), DETECTOR_GROUP_ID: `t-${run}-detector`, DETECTOR_FROM_BEGINNING: 'true',
      DETECTOR_CALL_TOPIC: topics.calls, DETECTOR_SMS_TOPIC: topics.sms, DETECTOR_ALERT_TOPIC: topics.alerts, DETECTOR_VICTIM_TOPIC: topics.victims,
      DETECTOR_REFERENCE_DIR: referenceDir, LOG_LEVEL: 'warn',
    });
    const sink = ServiceProcess.start('alert-sink', 'services/alert-sink/dist/main.js', {
      ...env,
      ALERT_SINK_HTTP_PORT: String(ports.sink), SINK_GROUP_ID: `t-${run}-sink`, SINK_ALERT_TOPIC: topics.alerts, SINK_VICTIM_TOPIC: topics.victims,
      CLICKHOUSE_DATABASE: db.name, LOG_LEVEL: 'warn',
    });
    h.services.push(detector, sink);
    for (const [name, port, proc] of [['detector', ports.detector, detector], ['alert-sink', ports.sink, sink]] as const) {
      await waitFor(`${name} ready`, async () => ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), 90_000)
        .catch((err: Error) => { throw new Error(`${err.message}\n--- ${name} log ---\n${proc.log}`); });
    }
    return h;
  }

  /** Distinct alerts stored, deduplicated as dashboards see them. */
  alerts<T>(where = '1'): Promise<T[]> {
    return this.db.rows<T>(`SELECT * FROM ${this.db.name}.alerts FINAL WHERE ${where} ORDER BY alert_id`);
  }

  victims<T>(): Promise<T[]> {
    return this.db.rows<T>(`SELECT * FROM ${this.db.name}.victim_exposures FINAL ORDER BY call_id`);
  }

  /** The detector's counters whose names match, summed by their label sets: a quick diagnosis. */
  async detectorCounters(prefix = 'fraud_events_'): Promise<string> {
    const text = await (await fetch(`http://127.0.0.1:${this.ports.detector}/metrics`)).text();
    return text.split('\n').filter((l) => l.startsWith(prefix)).join('\n');
  }

  logs(): string {
    return this.services.map((s) => s.log).join('\n');
  }

  async stop(): Promise<number[]> {
    const codes = await Promise.all(this.services.map((s) => s.stop()));
    for (const c of this.cleanups.reverse()) await c();
    this.cleanups = [];
    return codes.map((c) => c ?? -1);
  }
}
