import { describe, expect, it } from 'vitest';
import { PipelineError, type BatchContext, type ConsumedBatch, type ProcessedPositions, type RecordDecoder } from '@telfraud/common';
import { FakeScheduler, memoryLogger, networkError, settle } from '../fakes.test-support.js';
import type { ActivityStore } from './activity-store.js';
import { ActivityWriter } from './activity-writer.js';
import type { ActivityRow } from './minute-activity.js';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const ctx: BatchContext = { isRunning: () => true, heartbeat: async () => undefined };

/** Values are JSON call events; 'garbage' does not decode. */
const jsonDecoder: RecordDecoder = {
  prepare: async () => undefined,
  decode: (buf) => {
    if (!buf || buf.toString() === 'garbage') throw new PipelineError('DECODE_FAILED', 'not a call event');
    return JSON.parse(buf.toString()) as unknown;
  },
};

function event(type: 'START' | 'ANSWER' | 'END', ts: number, trunk: string): Buffer {
  return Buffer.from(JSON.stringify({
    event_id: `e-${type}-${ts}-${trunk}`, call_id: `c-${ts}`, type, ts, calling_number: '+447700900111', called_number: '+447700900222',
    ingress_trunk: trunk, ingress_country: 'GB', attestation: 'C', duration_ms: null, sip_code: null,
  }));
}

class FakeActivityStore implements ActivityStore {
  readonly inserts: ActivityRow[][] = [];
  failures: Error[] = [];
  async insertActivity(rows: readonly ActivityRow[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.inserts.push([...rows]);
  }
  ping = async (): Promise<boolean> => true;
  close = async (): Promise<void> => undefined;
}

/** Plays the deferred-commit consumer: positions move when a handler resolves; commits are recorded. */
class FakeConsumer {
  readonly processed = new Map<number, number>();
  readonly commits: string[] = [];
  commitFailures: Error[] = [];
  processedPositions(): ProcessedPositions {
    return { generation: 1, offsets: [...this.processed].map(([partition, offset]) => ({ topic: 'calls', partition, offset: String(offset) })) };
  }
  async commitPositions(p: ProcessedPositions): Promise<void> {
    const failure = this.commitFailures.shift();
    if (failure) throw failure;
    this.commits.push(p.offsets.map((o) => `${o.partition}@${o.offset}`).join(','));
  }
}

function setup(patch: { maxRows?: number } = {}) {
  const scheduler = new FakeScheduler();
  const store = new FakeActivityStore();
  const consumer = new FakeConsumer();
  const { logger, lines } = memoryLogger();
  const writer = new ActivityWriter({
    fields: ['ingress_trunk'], decoder: jsonDecoder, store, consumer, flushIntervalMs: 5_000, maxRows: patch.maxRows ?? 1_000,
    retryInitialMs: 100, retryMaxMs: 1_000, heartbeatIntervalMs: 1_000, logger, scheduler,
  });
  writer.start();
  let next = new Map<number, number>();
  /** Hands a batch to the writer as the consumer would, and marks it processed when the handler resolves. */
  const deliver = async (partition: number, values: Buffer[]): Promise<void> => {
    const from = next.get(partition) ?? 0;
    const batch: ConsumedBatch = {
      topic: 'calls', partition, lag: 0,
      records: values.map((value, i) => ({ topic: 'calls', partition, offset: String(from + i), key: null, value, headers: {}, timestamp: 0 })),
    };
    next.set(partition, from + values.length);
    await writer.handle(batch, ctx);
    consumer.processed.set(partition, from + values.length);
  };
  return { scheduler, store, consumer, writer, deliver, lines, reset: () => (next = new Map()) };
}

const rowsOf = (inserts: ActivityRow[][]): string[] =>
  inserts.flat().map((r) => `${r.entity}@${(r.minute - T0) / 60_000}:${r.attempts}/${r.answered}`).sort();

describe('ActivityWriter', () => {
  it('stores the counts every flush interval, then commits exactly the positions they came from', async () => {
    const { scheduler, store, consumer, deliver } = setup();
    await deliver(0, [event('START', T0 + 1_000, 'T1'), event('ANSWER', T0 + 2_000, 'T1'), event('END', T0 + 90_000, 'T1')]);
    await deliver(1, [event('START', T0 + 61_000, 'T2')]);
    expect(store.inserts).toEqual([]);
    expect(consumer.commits).toEqual([]);
    await scheduler.advance(5_000);
    expect(rowsOf(store.inserts)).toEqual(['T1@0:1/1', 'T2@1:1/0']);
    expect(consumer.commits).toEqual(['0@3,1@1']);

    await deliver(0, [event('START', T0 + 3_000, 'T1')]);
    await scheduler.advance(5_000);
    expect(rowsOf(store.inserts.slice(1))).toEqual(['T1@0:1/0']);
    expect(consumer.commits.at(-1)).toBe('0@4,1@1');
  });

  it('retries a failed insert with back-off and commits nothing until it is stored', async () => {
    const { scheduler, store, consumer, deliver, lines } = setup();
    store.failures = [networkError(), networkError()];
    await deliver(0, [event('START', T0, 'T1'), event('START', T0 + 1, 'T1')]);
    await scheduler.advance(5_000);
    expect(store.inserts).toEqual([]);
    expect(consumer.commits).toEqual([]);
    // Counted meanwhile: not part of the insert being retried, nor of its commit.
    await deliver(0, [event('START', T0 + 2, 'T1')]);
    await scheduler.advance(100);
    expect(consumer.commits).toEqual([]);
    await scheduler.advance(200);
    expect(rowsOf(store.inserts)).toEqual(['T1@0:2/0']);
    expect(consumer.commits).toEqual(['0@2']);
    expect(lines.filter((l) => l['msg'] === 'activity insert failed, retrying')).toHaveLength(2);
    await scheduler.advance(5_000);
    expect(rowsOf(store.inserts)).toEqual(['T1@0:1/0', 'T1@0:2/0']);
    expect(consumer.commits.at(-1)).toBe('0@3');
  });

  it('flushes before counting on once the row cap is held, and waits while that flush is retried', async () => {
    const { scheduler, store, consumer, deliver } = setup({ maxRows: 2 });
    await deliver(0, [event('START', T0, 'T1'), event('START', T0, 'T2')]);
    store.failures = [networkError()];
    let handled = false;
    const third = deliver(0, [event('START', T0, 'T3')]).then(() => {
      handled = true;
    });
    await settle();
    expect(handled).toBe(false);
    await scheduler.advance(100);
    await third;
    expect(rowsOf(store.inserts)).toEqual(['T1@0:1/0', 'T2@0:1/0']);
    expect(consumer.commits).toEqual(['0@2']);
    expect(handled).toBe(true);
  });

  it('skips undecodable and contract-violating events, counted and logged at debug only', async () => {
    const { scheduler, store, deliver, lines } = setup();
    const bad = Buffer.from(JSON.stringify({ type: 'START', ts: T0, ingress_trunk: 'T1' }));
    await deliver(0, [Buffer.from('garbage'), bad, event('START', T0, 'T1')]);
    await scheduler.advance(5_000);
    expect(rowsOf(store.inserts)).toEqual(['T1@0:1/0']);
    const skipped = lines.find((l) => l['msg'] === 'call events skipped by the activity writer');
    expect(skipped).toMatchObject({ level: 'debug', reasons: { DECODE_FAILED: 1, CONTRACT_VIOLATION: 1 } });
  });

  it('a refused commit is retried by the next flush, rows are not inserted twice', async () => {
    const { scheduler, store, consumer, deliver } = setup();
    consumer.commitFailures = [new Error('REBALANCE_IN_PROGRESS')];
    await deliver(0, [event('START', T0, 'T1')]);
    await scheduler.advance(5_000);
    expect(consumer.commits).toEqual([]);
    await scheduler.advance(5_000);
    expect(store.inserts).toHaveLength(1);
    expect(consumer.commits).toEqual(['0@1']);
  });

  it('close stores and commits what is held, and ignores batches after it', async () => {
    const { scheduler, store, consumer, writer, deliver } = setup();
    await deliver(0, [event('START', T0, 'T1')]);
    await writer.close();
    expect(rowsOf(store.inserts)).toEqual(['T1@0:1/0']);
    expect(consumer.commits).toEqual(['0@1']);
    await deliver(0, [event('START', T0, 'T9')]);
    await scheduler.advance(20_000);
    expect(store.inserts).toHaveLength(1);
    expect(scheduler.pendingTimers).toBe(0);
    expect(writer.heldRows).toBe(0);
  });

  it('abort during a retried insert gives the rows up uncommitted', async () => {
    const { scheduler, store, consumer, writer, deliver } = setup();
    store.failures = Array.from({ length: 100 }, () => networkError());
    await deliver(0, [event('START', T0, 'T1')]);
    await scheduler.advance(5_000);
    const closing = writer.close();
    await scheduler.advance(300);
    writer.abort();
    await closing;
    expect(store.inserts).toEqual([]);
    expect(consumer.commits).toEqual([]);
  });
});
