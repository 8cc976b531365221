import type { Emission, TrafficEngine } from '../model/traffic-engine.js';

/** Wall-clock time and waiting, injected so the pump can be tested with a fake clock. */
export interface PumpClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface EmissionSink {
  /** Resolves once the whole batch is stored (for Kafka: acknowledged). */
  send(batch: readonly Emission[]): Promise<void>;
}

export interface BatchReport {
  size: number;
  sendMs: number;
  /** How far (wall seconds) the oldest record in the batch is behind schedule. */
  lagSeconds: number;
}

export interface PumpOptions {
  engine: TrafficEngine;
  sink: EmissionSink;
  clock: PumpClock;
  /** Simulated time at the wall-clock instant the pump starts (event time = wall clock when timeScale is 1). */
  simStartTs: number;
  timeScale: number;
  /** Stop producing once simulated time passes simStartTs + this (Infinity: until stopped). */
  horizonMs: number;
  batchIntervalMs: number;
  maxBatch: number;
  /** Sees each record after the sink stored it (labels, counters). */
  onDelivered?: (e: Emission) => void;
  onBatch?: (report: BatchReport) => void;
}

export type PumpState = 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FINISHED' | 'FAILED';

/**
 * Releases the engine's records in real time: every interval it takes everything whose arrival time
 * has come (simulated clock = start + elapsed wall time x scale) and hands it to the sink as one batch,
 * waiting for the sink before the next. A slow sink makes batches bigger, not the clock slower.
 */
export class RealtimePump {
  private state: PumpState = 'RUNNING';
  readonly done: Promise<void>;

  constructor(private readonly options: PumpOptions) {
    this.done = this.loop();
    // runService observes `done`; keep an early failure from being reported as unhandled meanwhile.
    this.done.catch(() => undefined);
  }

  get status(): PumpState {
    return this.state;
  }

  /** Stops after the batch in flight has been stored; idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'RUNNING') this.state = 'STOPPING';
    await this.done.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    const o = this.options;
    const wallStart = o.clock.now();
    const simEnd = o.simStartTs + o.horizonMs;
    try {
      while (this.state === 'RUNNING') {
        const wallNow = o.clock.now();
        const simNow = Math.min(o.simStartTs + (wallNow - wallStart) * o.timeScale, simEnd);
        const batch: Emission[] = [];
        for (let a = o.engine.peekArrival(); a !== undefined && a <= simNow && batch.length < o.maxBatch; a = o.engine.peekArrival()) {
          batch.push(o.engine.next()!);
        }
        if (batch.length > 0) {
          const t0 = o.clock.now();
          await o.sink.send(batch);
          for (const e of batch) o.onDelivered?.(e);
          o.onBatch?.({ size: batch.length, sendMs: o.clock.now() - t0, lagSeconds: Math.max(0, (simNow - batch[0]!.arrival) / o.timeScale / 1000) });
        }
        const next = o.engine.peekArrival();
        if (next === undefined || simNow >= simEnd) {
          this.state = 'FINISHED';
          return;
        }
        // A full batch means a backlog: carry on at once instead of sleeping.
        if (batch.length < o.maxBatch) await o.clock.sleep(o.batchIntervalMs);
      }
      this.state = 'STOPPED';
    } catch (err) {
      this.state = 'FAILED';
      throw err;
    }
  }
}
