import { createLogger, type Logger } from '@telfraud/common';
import type { AlertStore } from './alert-store.js';
import type { AlertRow, VictimRow } from './rows.js';
import type { Scheduler } from './scheduler.js';

/** Lets pending promise callbacks run (real macrotask; the fake scheduler does not touch it). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A manual clock: timers fire only inside `advance()`, in time order. */
export class FakeScheduler implements Scheduler {
  private time = 0;
  private nextId = 0;
  private timers: { id: number; at: number; fn: () => void }[] = [];

  now(): number {
    return this.time;
  }

  schedule(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ id, at: this.time + ms, fn });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next || next.at > target) break;
      this.timers = this.timers.filter((t) => t.id !== next.id);
      this.time = next.at;
      next.fn();
      await settle();
    }
    this.time = target;
    await settle();
  }
}

export function networkError(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
}

/** An AlertStore in memory that can fail or hold its inserts on demand. */
export class FakeStore implements AlertStore {
  readonly alertInserts: AlertRow[][] = [];
  readonly victimInserts: VictimRow[][] = [];
  readonly calls: string[] = [];
  /** Outcomes of the next insert calls, in order: an Error is thrown, null succeeds. */
  failures: (Error | null)[] = [];
  up = true;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  private async attempt(table: string, rows: number): Promise<void> {
    this.calls.push(`${table}:${rows}`);
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async insertAlerts(rows: readonly AlertRow[]): Promise<void> {
    await this.attempt('alerts', rows.length);
    this.alertInserts.push([...rows]);
  }

  async insertVictims(rows: readonly VictimRow[]): Promise<void> {
    await this.attempt('victim_exposures', rows.length);
    this.victimInserts.push([...rows]);
  }

  ping(): Promise<boolean> {
    return Promise.resolve(this.up);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export function alertRow(id: string, ts = Date.UTC(2026, 10, 20, 12, 0, 0)): AlertRow {
  return {
    alert_id: id, rule_id: 'cli-spoof-dno', severity: 'HIGH', entity_type: 'ingress_trunk', entity: 'trunk-7',
    window_start: ts - 60_000, window_end: ts, ts, value: 12, threshold: 5, summary: 'test alert', evidence: ['c1', 'c2'],
    event_date: '2026-11-20', inserted_at: '2026-11-20 12:00:01', version: 3 * 2 ** 42 + ts,
  };
}

export function victimRow(callId: string, ts = Date.UTC(2026, 10, 20, 12, 0, 0)): VictimRow {
  return {
    victim_number: '+447700900123', entity_type: 'ingress_trunk', entity: 'trunk-7', alert_id: 'a1', call_id: callId, ts,
    duration_ms: 95_000, event_date: '2026-11-20', inserted_at: '2026-11-20 12:00:01',
  };
}

/** A logger that keeps its lines, for assertions on what was logged. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) }), lines };
}
