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
  /** The repartition topic of keyed routing. */
  keyed: string;
}

/** `detector-2`, `detector-3`, …: more detector instances in the same group (keyed routing). */
export type PipelineService = 'detector' | 'alert-sink' | `detector-${number}`;

export interface PipelineOptions {
  /** Detectors route by key (DETECTOR_ROUTING=keyed) over the run's own keyed topic. */
  keyed?: boolean;
}

/**
 * A detector and an alert-sink of their own on the real local stack: fresh topics, a fresh
 * ClickHouse database, their own consumer groups and ports, scraped by Prometheus with a `run`
 * label. Nothing is shared with the demo or another test. Either service can be killed, stopped
 * and started again (same group, topics and port), as fault tests need.
 */
export class PipelineHarness {
  private readonly running = new Map<PipelineService, ServiceProcess>();
  private readonly extraPorts = new Map<PipelineService, number>();
  /** Every process started, dead ones included, for failure messages. */
  private readonly started: ServiceProcess[] = [];
  private cleanups: (() => void | Promise<void>)[] = [];

  private constructor(
    readonly run: string,
    readonly env: Record<string, string>,
    readonly topics: PipelineTopics,
    readonly db: TestDatabase,
    readonly referenceDir: string,
    readonly ports: { detector: number; sink: number },
    readonly options: PipelineOptions,
  ) {}

  static async start(run: string, env: Record<string, string>, options: PipelineOptions = {}): Promise<PipelineHarness> {
    const topics: PipelineTopics = {
      calls: `t-${run}-calls`, sms: `t-${run}-sms`, alerts: `t-${run}-alerts`, victims: `t-${run}-victims`, keyed: `t-${run}-keyed`,
    };
    const control = env['KAFKA_CONTROL'];
    if (!control) throw new Error('KAFKA_CONTROL missing from .data/env');
    const created: [string, number][] = [[topics.calls, 6], [topics.sms, 6], [topics.alerts, 3], [topics.victims, 3]];
    if (options.keyed) created.push([topics.keyed, 12]);
    for (const [topic, partitions] of created) {
      await brokerControl(control, `create-topic ${topic} ${partitions}`);
      await brokerControl(control, `create-topic ${topic}-dlq 1`);
    }
    const db = TestDatabase.create(env['CLICKHOUSE_URL'] ?? 'http://127.0.0.1:8123', `t_${run.replace(/-/g, '_')}`);
    const referenceDir = mkdtempSync(path.join(tmpdir(), `telfraud-ref-${run}-`));
    await writeReferenceDir(referenceDir);
    const ports = { detector: await freePort(), sink: await freePort() };
    const h = new PipelineHarness(run, env, topics, db, referenceDir, ports, options);
    h.cleanups.push(() => db.drop());
    h.cleanups.push(addScrapeTargets(run, [{ port: ports.detector, job: 'detector' }, { port: ports.sink, job: 'alert-sink' }]));
    h.launch('detector');
    h.launch('alert-sink');
    await Promise.all([h.waitReady('detector'), h.waitReady('alert-sink')]);
    return h;
  }

  /** The detector group (keyed routing: the detection side; the router's group is `<group>-router`). */
  get detectorGroup(): string {
    return `t-${this.run}-detector`;
  }

  /** The service's HTTP port (extra detector instances get theirs when first started). */
  portOf(name: PipelineService): number {
    if (name === 'detector') return this.ports.detector;
    if (name === 'alert-sink') return this.ports.sink;
    const port = this.extraPorts.get(name);
    if (port === undefined) throw new Error(`${name} was never started`);
    return port;
  }

  private serviceEnv(name: PipelineService): Record<string, string> {
    const { env, topics, run } = this;
    return name !== 'alert-sink'
      ? {
          ...env,
          DETECTOR_HTTP_PORT: String(this.portOf(name)), DETECTOR_GROUP_ID: this.detectorGroup, DETECTOR_FROM_BEGINNING: 'true',
          DETECTOR_CALL_TOPIC: topics.calls, DETECTOR_SMS_TOPIC: topics.sms, DETECTOR_ALERT_TOPIC: topics.alerts, DETECTOR_VICTIM_TOPIC: topics.victims,
          DETECTOR_REFERENCE_DIR: this.referenceDir, LOG_LEVEL: 'warn',
          // Several members in one group: the mock broker needs the leader's assignment delayed (platform notes).
          ...(this.options.keyed ? { DETECTOR_ROUTING: 'keyed', DETECTOR_KEYED_TOPIC: topics.keyed, DETECTOR_INSTANCE_ID: name, KAFKA_ASSIGNER_DELAY_MS: '500' } : {}),
        }
      : {
          ...env,
          ALERT_SINK_HTTP_PORT: String(this.ports.sink), SINK_GROUP_ID: `t-${run}-sink`, SINK_ALERT_TOPIC: topics.alerts, SINK_VICTIM_TOPIC: topics.victims,
          // The activity writer (second consumer) reads the run's own call events under its own group.
          ALERT_SINK_ACTIVITY_TOPIC: topics.calls, ALERT_SINK_ACTIVITY_GROUP_ID: `t-${run}-sink-activity`,
          CLICKHOUSE_DATABASE: this.db.name, LOG_LEVEL: 'warn',
        };
  }

  private launch(name: PipelineService, overrides: Record<string, string> = {}): ServiceProcess {
    if (this.running.has(name)) throw new Error(`${name} is already running`);
    const script = name === 'alert-sink' ? 'services/alert-sink/dist/main.js' : 'services/detector/dist/main.js';
    const proc = ServiceProcess.start(name, script, { ...this.serviceEnv(name), ...overrides });
    this.running.set(name, proc);
    this.started.push(proc);
    return proc;
  }

  /** Starts a stopped or killed service again (same group, topics, port), `overrides` on top of its environment. */
  async startService(name: PipelineService, options: { overrides?: Record<string, string>; wait?: boolean } = {}): Promise<ServiceProcess> {
    if (name !== 'detector' && name !== 'alert-sink' && !this.extraPorts.has(name)) this.extraPorts.set(name, await freePort());
    const proc = this.launch(name, options.overrides);
    if (options.wait ?? true) await this.waitReady(name);
    return proc;
  }

  /** `kill -9`: nothing flushed, nothing committed beyond what already was. */
  async killService(name: PipelineService): Promise<void> {
    await this.running.get(name)?.kill('SIGKILL');
    this.running.delete(name);
  }

  /** SIGTERM; the exit code (null if it overran `timeoutMs` and was killed). */
  async stopService(name: PipelineService, timeoutMs?: number): Promise<number | null> {
    const proc = this.running.get(name);
    this.running.delete(name);
    return proc ? proc.stop(timeoutMs) : null;
  }

  service(name: PipelineService): ServiceProcess | undefined {
    return this.running.get(name);
  }

  async waitReady(name: PipelineService, timeoutMs = 90_000): Promise<void> {
    const port = this.portOf(name);
    await waitFor(`${name} ready`, async () => ((await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 ? true : undefined), timeoutMs)
      .catch((err: Error) => { throw new Error(`${err.message}\n--- ${name} log ---\n${this.running.get(name)?.log ?? ''}`); });
  }

  get services(): ServiceProcess[] {
    return [...this.running.values()];
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

  /** Every running service's pipeline counters, for failure messages. */
  async diagnose(): Promise<string> {
    const out: string[] = [];
    const detectorPrefixes = ['fraud_events_', 'fraud_alerts_emitted', 'fraud_victim', 'fraud_remote_alerts'];
    const sinkPrefixes = ['alert_sink_rows_inserted', 'alert_sink_insert_failures', 'alert_sink_records_consumed', 'fraud_events_rejected'];
    for (const name of this.running.keys()) {
      const port = this.portOf(name);
      const prefixes = name === 'alert-sink' ? sinkPrefixes : detectorPrefixes;
      const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.text(), () => `(port ${port} not answering)`);
      out.push(`# ${name}`, ...text.split('\n').filter((l) => l.startsWith('(') || prefixes.some((p) => l.startsWith(p))));
    }
    return out.join('\n');
  }

  logs(): string {
    return this.started.map((s) => s.log).join('\n');
  }

  async stop(): Promise<number[]> {
    const codes = await Promise.all(this.services.map((s) => s.stop()));
    this.running.clear();
    for (const c of this.cleanups.reverse()) await c();
    this.cleanups = [];
    return codes.map((c) => c ?? -1);
  }
}
