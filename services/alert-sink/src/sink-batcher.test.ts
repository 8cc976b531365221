import { describe, expect, it } from 'vitest';
import { PipelineError, type ProcessedPositions } from '@telfraud/common';
import { SinkBatcher, type InsertObserver, type PositionsSource } from './sink-batcher.js';
import type { AlertStore, StoreError } from './alert-store.js';
import type { AlertRow, VictimRow } from './rows.js';
import { FakeScheduler, FakeStore, alertRow, memoryLogger, networkError, settle, victimRow } from './fakes.test-support.js';

/** Stands in for the consumer: `handled` is the processed position the test moves; commits are recorded. */
class FakePositions implements PositionsSource {
  handled = 0;
  readonly committed: string[] = [];
  failNext = false;
  processedPositions(): ProcessedPositions {
    return { generation: 1, offsets: [{ topic: 'fraud-alerts', partition: 0, offset: String(this.handled) }] };
  }
  commitPositions(positions: ProcessedPositions): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('not the coordinator'));
    }
    this.committed.push(positions.offsets[0]!.offset);
    return Promise.resolve();
  }
}

/** A store whose every INSERT waits until the test finishes it, in any order. */
class ManualStore implements AlertStore {
  readonly pending: { ids: string[]; finish: () => void }[] = [];
  readonly stored: string[][] = [];
  private take(ids: string[]): Promise<void> {
    return new Promise((resolve) => this.pending.push({ ids, finish: () => { this.stored.push(ids); resolve(); } }));
  }
  insertAlerts(rows: readonly AlertRow[]): Promise<void> {
    return this.take(rows.map((r) => r.alert_id));
  }
  insertVictims(rows: readonly VictimRow[]): Promise<void> {
    return this.take(rows.map((r) => r.call_id));
  }
  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  finish(firstId: string): void {
    const i = this.pending.findIndex((p) => p.ids[0] === firstId);
    if (i < 0) throw new Error(`no pending insert starting with ${firstId}`);
    this.pending.splice(i, 1)[0]!.finish();
  }
}

interface Options { maxRows?: number; maxBytes?: number; flushIntervalMs?: number; concurrentInserts?: number; retryInitialMs?: number; retryMaxMs?: number }

function setup(options: Options = {}, store: AlertStore = new FakeStore()) {
  const scheduler = new FakeScheduler();
  const { logger, lines } = memoryLogger();
  const inserted: { table: string; rows: number }[] = [];
  const failed: { table: string; code: string; detail: string }[] = [];
  const observer: InsertObserver = {
    inserted: (table, rows) => inserted.push({ table, rows }),
    failed: (table, error: StoreError) => failed.push({ table, code: error.code, detail: error.detail }),
  };
  const batcher = new SinkBatcher({
    store, scheduler, logger, observer,
    maxRows: options.maxRows ?? 100,
    maxBytes: options.maxBytes ?? 1_000_000,
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    concurrentInserts: options.concurrentInserts ?? 1,
    retryInitialMs: options.retryInitialMs ?? 100,
    retryMaxMs: options.retryMaxMs ?? 400,
  });
  const positions = new FakePositions();
  batcher.commitTo(positions);
  return { scheduler, batcher, lines, inserted, failed, positions };
}

const alerts = (...ids: string[]) => ({ alerts: ids.map((id) => alertRow(id)), victims: [] });

describe('SinkBatcher', () => {
  it('takes rows at once and shares one INSERT between the rows of many adds, closing at max rows', async () => {
    const store = new FakeStore();
    const { batcher, scheduler } = setup({ maxRows: 3 }, store);
    await batcher.add(alerts('a1', 'a2'));
    expect(store.calls).toEqual([]);
    expect(batcher.heldRows).toBe(2);
    await batcher.add(alerts('a3', 'a4'));
    await settle();
    expect(store.alertInserts.map((rows) => rows.map((r) => r.alert_id))).toEqual([['a1', 'a2', 'a3']]);
    // a4 opened the next batch, which closes by age.
    await scheduler.advance(1_000);
    expect(store.alertInserts.map((rows) => rows.map((r) => r.alert_id))).toEqual([['a1', 'a2', 'a3'], ['a4']]);
    expect(batcher.heldRows).toBe(0);
  });

  it('closes a batch by age, counted from its first row', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, inserted } = setup({ flushIntervalMs: 1_000 }, store);
    await batcher.add({ alerts: [alertRow('a1')], victims: [victimRow('c1')] });
    await scheduler.advance(600);
    await batcher.add(alerts('a2'));
    await scheduler.advance(399);
    expect(store.calls).toEqual([]);
    await scheduler.advance(1);
    expect(store.calls).toEqual(['alerts:2', 'victim_exposures:1']);
    expect(inserted).toEqual([{ table: 'alerts', rows: 2 }, { table: 'victim_exposures', rows: 1 }]);
  });

  it('closes a batch once the consumed bytes behind its rows reach max bytes', async () => {
    const store = new FakeStore();
    const { batcher } = setup({ maxBytes: 1_000 }, store);
    await batcher.add(alerts('a1', 'a2'), 600);
    await settle();
    expect(store.calls).toEqual([]);
    await batcher.add(alerts('a3'), 400);
    await settle();
    expect(store.calls).toEqual(['alerts:3']);
  });

  it('never sends an INSERT larger than max rows', async () => {
    const store = new FakeStore();
    const { batcher, scheduler } = setup({ maxRows: 2, concurrentInserts: 4 }, store);
    await batcher.add(alerts('a', 'b', 'c', 'd', 'e'));
    await scheduler.advance(1_000);
    expect(store.calls).toEqual(['alerts:2', 'alerts:2', 'alerts:1']);
  });

  it('commits positions only after the rows before them are stored, in batch order, whatever order INSERTs finish in', async () => {
    const store = new ManualStore();
    const { batcher, positions } = setup({ maxRows: 2, concurrentInserts: 2 }, store);
    positions.handled = 0;
    await batcher.add(alerts('a1', 'a2'));
    positions.handled = 10;
    await batcher.add(alerts('b1', 'b2'));
    positions.handled = 20;
    expect(store.pending.map((p) => p.ids)).toEqual([['a1', 'a2'], ['b1', 'b2']]);
    store.finish('b1');
    await settle();
    expect(positions.committed).toEqual([]);
    store.finish('a1');
    await settle();
    // Batch b closed when the handler of the batch that brought b1, b2 had not resolved yet: position 10.
    expect(positions.committed).toEqual(['10']);
    expect(batcher.heldRows).toBe(0);
  });

  it('lets a batch whose age is up grow while every INSERT slot is busy, and makes adds wait behind a queued batch', async () => {
    const store = new ManualStore();
    const { batcher, scheduler } = setup({ maxRows: 3, flushIntervalMs: 10, concurrentInserts: 1 }, store);
    await batcher.add(alerts('a1'));
    await scheduler.advance(10);
    expect(store.pending.map((p) => p.ids)).toEqual([['a1']]);
    await batcher.add(alerts('b1'));
    await scheduler.advance(50);
    await batcher.add(alerts('b2'));
    // Age is up, the only slot busy: b1, b2 still grow together.
    expect(store.pending).toHaveLength(1);
    await batcher.add(alerts('b3', 'c1'));
    // b1..b3 filled a batch that now queues: the next add waits for room.
    let taken = false;
    const d = batcher.add(alerts('d1')).then(() => { taken = true; });
    await settle();
    expect(taken).toBe(false);
    store.finish('a1');
    await d;
    await settle();
    expect(store.pending.map((p) => p.ids)).toEqual([['b1', 'b2', 'b3']]);
    // c1 and d1 come of age while b1..b3 are inserted: they close as soon as the slot is free.
    await scheduler.advance(10);
    expect(store.pending.map((p) => p.ids)).toEqual([['b1', 'b2', 'b3']]);
    store.finish('b1');
    await settle();
    expect(store.pending.map((p) => p.ids)).toEqual([['c1', 'd1']]);
  });

  it('keeps the rows and commits nothing while inserts fail, retrying with capped exponential back-off', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, failed, lines, positions } = setup({ retryInitialMs: 100, retryMaxMs: 400, flushIntervalMs: 1 }, store);
    store.failures = [networkError(), networkError(), networkError(), new Error('Code: 252. DB::Exception: Too many parts'), networkError()];
    positions.handled = 7;
    await batcher.add(alerts('a1', 'a2'));
    await scheduler.advance(1);
    expect(store.calls).toEqual(['alerts:2']);
    // Back-off: 100, 200, 400, 400 (capped), 400.
    for (const delay of [100, 200, 400, 400]) await scheduler.advance(delay);
    expect(store.calls).toHaveLength(5);
    expect(batcher.heldRows).toBe(2);
    expect(positions.committed).toEqual([]);
    await scheduler.advance(400);
    expect(store.calls).toHaveLength(6);
    expect(positions.committed).toEqual(['7']);
    expect(store.alertInserts.map((rows) => rows.map((r) => r.alert_id))).toEqual([['a1', 'a2']]);
    expect(failed.map((f) => f.detail)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'CH_252', 'ECONNREFUSED']);
    expect(failed[3]?.code).toBe('CLICKHOUSE_REJECTED');
    expect(lines.filter((l) => l['msg'] === 'insert failed, retrying').map((l) => l['retryInMs'])).toEqual([100, 200, 400, 400, 400]);
  });

  it('does not re-insert a table that already succeeded when the other one fails', async () => {
    const store = new FakeStore();
    const { batcher, scheduler } = setup({ flushIntervalMs: 0 }, store);
    store.failures = [null, networkError()];
    await batcher.add({ alerts: [alertRow('a1')], victims: [victimRow('c1')] });
    await scheduler.advance(100);
    expect(store.calls).toEqual(['alerts:1', 'victim_exposures:1', 'victim_exposures:1']);
    expect(store.alertInserts).toHaveLength(1);
    expect(store.victimInserts).toHaveLength(1);
  });

  it('commits the positions of batches without rows once everything before them is stored', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, positions } = setup({ flushIntervalMs: 50 }, store);
    positions.handled = 3;
    await batcher.add({ alerts: [], victims: [] });
    expect(positions.committed).toEqual([]);
    await scheduler.advance(50);
    expect(store.calls).toEqual([]);
    expect(positions.committed).toEqual(['3']);
  });

  it('a commit the broker refuses is logged and a later batch commits further on', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, positions, lines } = setup({ flushIntervalMs: 10 }, store);
    positions.failNext = true;
    positions.handled = 1;
    await batcher.add(alerts('a1'));
    await scheduler.advance(10);
    expect(lines.some((l) => l['msg'] === 'sink offsets not committed')).toBe(true);
    positions.handled = 2;
    await batcher.add(alerts('a2'));
    await scheduler.advance(10);
    expect(positions.committed).toEqual(['2']);
  });

  it('drain stores and commits what is held without waiting for the age, later adds close at once, close refuses', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, positions } = setup({ flushIntervalMs: 10_000 }, store);
    await batcher.add(alerts('a1'));
    positions.handled = 5;
    await batcher.drain();
    expect(store.calls).toEqual(['alerts:1']);
    expect(positions.committed).toEqual(['5']);
    await batcher.add(alerts('a2'));
    await settle();
    expect(store.calls).toEqual(['alerts:1', 'alerts:1']);
    expect(scheduler.now()).toBe(0);
    await batcher.close();
    expect(batcher.refusing).toBe(true);
    await expect(batcher.add(alerts('a3'))).rejects.toThrow(/closed/);
  });

  it('abort commits nothing more, ends the back-off and refuses rows, also an add waiting for room', async () => {
    const store = new FakeStore();
    const { batcher, scheduler, positions } = setup({ maxRows: 1, retryInitialMs: 1_000, retryMaxMs: 1_000 }, store);
    store.failures = Array.from({ length: 100 }, networkError);
    positions.handled = 9;
    await batcher.add(alerts('a1'));
    await batcher.add(alerts('b1'));
    const waiting = batcher.add(alerts('c1'));
    await scheduler.advance(2_500);
    batcher.abort('test shutdown');
    await expect(waiting).rejects.toBeInstanceOf(PipelineError);
    const calls = store.calls.length;
    await scheduler.advance(10_000);
    expect(store.calls.length).toBe(calls);
    expect(positions.committed).toEqual([]);
    expect(batcher.heldRows).toBe(0);
    await batcher.drain();
    await expect(batcher.add(alerts('d1'))).rejects.toBeInstanceOf(PipelineError);
  });
});
