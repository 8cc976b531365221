import { describe, expect, it } from 'vitest';
import { PipelineError } from '@telfraud/common';
import { SinkBatcher, type InsertObserver } from './sink-batcher.js';
import type { StoreError } from './alert-store.js';
import { FakeScheduler, FakeStore, alertRow, memoryLogger, networkError, settle, victimRow } from './fakes.test-support.js';

function setup(options: { maxRows?: number; flushIntervalMs?: number; retryInitialMs?: number; retryMaxMs?: number; maxWaitingBatches?: number } = {}) {
  const store = new FakeStore();
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
    flushIntervalMs: options.flushIntervalMs ?? 1_000,
    retryInitialMs: options.retryInitialMs ?? 100,
    retryMaxMs: options.retryMaxMs ?? 400,
    ...(options.maxWaitingBatches !== undefined ? { maxWaitingBatches: options.maxWaitingBatches } : {}),
  });
  return { store, scheduler, batcher, lines, inserted, failed };
}

/** Tracks whether (and in which order) promises settled. */
function track(acks: string[], name: string, p: Promise<void>): Promise<void> {
  return p.then(() => void acks.push(name), (err: unknown) => void acks.push(`${name}:rejected:${(err as PipelineError).code}`));
}

describe('SinkBatcher', () => {
  it('flushes as soon as max rows wait, in one INSERT shared by several batches', async () => {
    const { store, batcher, scheduler } = setup({ maxRows: 3 });
    const acks: string[] = [];
    const a = track(acks, 'a', batcher.add({ alerts: [alertRow('a1'), alertRow('a2')], victims: [] }));
    await settle();
    expect(store.calls).toEqual([]);
    const b = track(acks, 'b', batcher.add({ alerts: [alertRow('a3')], victims: [] }));
    await Promise.all([a, b]);
    expect(store.alertInserts.map((rows) => rows.map((r) => r.alert_id))).toEqual([['a1', 'a2', 'a3']]);
    expect(acks).toEqual(['a', 'b']);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('flushes by interval when the batch never fills', async () => {
    const { store, batcher, scheduler, inserted } = setup({ maxRows: 100, flushIntervalMs: 1_000 });
    const acks: string[] = [];
    const a = track(acks, 'a', batcher.add({ alerts: [alertRow('a1')], victims: [victimRow('c1')] }));
    await scheduler.advance(999);
    expect(store.calls).toEqual([]);
    expect(acks).toEqual([]);
    await scheduler.advance(1);
    await a;
    expect(store.calls).toEqual(['alerts:1', 'victim_exposures:1']);
    expect(inserted).toEqual([{ table: 'alerts', rows: 1 }, { table: 'victim_exposures', rows: 1 }]);
    expect(batcher.heldRows).toBe(0);
  });

  it('starts the interval at the first waiting row, not at the last', async () => {
    const { store, batcher, scheduler } = setup({ flushIntervalMs: 1_000 });
    const a = batcher.add({ alerts: [alertRow('a1')], victims: [] });
    await scheduler.advance(600);
    const b = batcher.add({ alerts: [alertRow('a2')], victims: [] });
    await scheduler.advance(400);
    await Promise.all([a, b]);
    expect(store.alertInserts).toHaveLength(1);
    expect(scheduler.now()).toBe(1_000);
  });

  it('flushes at once when every possible batch handler is waiting (no more rows can come)', async () => {
    const { store, batcher, scheduler } = setup({ flushIntervalMs: 1_000, maxWaitingBatches: 2 });
    const a = batcher.add({ alerts: [alertRow('a1')], victims: [] });
    await settle();
    expect(store.calls).toEqual([]);
    const b = batcher.add({ alerts: [], victims: [victimRow('c1')] });
    await Promise.all([a, b]);
    expect(store.calls).toEqual(['alerts:1', 'victim_exposures:1']);
    expect(scheduler.now()).toBe(0);
  });

  it('keeps the rows and the handlers pending while inserts fail, retrying with capped exponential back-off', async () => {
    const { store, batcher, scheduler, failed, lines } = setup({ retryInitialMs: 100, retryMaxMs: 400, flushIntervalMs: 0 });
    store.failures = [networkError(), networkError(), networkError(), new Error('Code: 252. DB::Exception: Too many parts'), networkError()];
    const acks: string[] = [];
    const a = track(acks, 'a', batcher.add({ alerts: [alertRow('a1'), alertRow('a2')], victims: [] }));
    await settle();
    expect(store.calls).toEqual(['alerts:2']);
    // Back-off: 100, 200, 400, 400 (capped), 400.
    for (const delay of [100, 200, 400, 400]) {
      await scheduler.advance(delay - 1);
      expect(acks).toEqual([]);
      await scheduler.advance(1);
    }
    expect(store.calls).toHaveLength(5);
    expect(batcher.heldRows).toBe(2);
    await scheduler.advance(400);
    await a;
    expect(acks).toEqual(['a']);
    expect(store.calls).toHaveLength(6);
    expect(store.alertInserts.map((rows) => rows.map((r) => r.alert_id))).toEqual([['a1', 'a2']]);
    expect(failed.map((f) => f.detail)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED', 'CH_252', 'ECONNREFUSED']);
    expect(failed[3]?.code).toBe('CLICKHOUSE_REJECTED');
    const retries = lines.filter((l) => l['msg'] === 'insert failed, retrying');
    expect(retries.map((l) => l['retryInMs'])).toEqual([100, 200, 400, 400, 400]);
    expect(lines.some((l) => l['msg'] === 'insert succeeded after retries')).toBe(true);
  });

  it('does not re-insert a table that already succeeded when the other one fails', async () => {
    const { store, batcher, scheduler } = setup({ flushIntervalMs: 0 });
    store.failures = [null, networkError()];
    const p = batcher.add({ alerts: [alertRow('a1')], victims: [victimRow('c1')] });
    await settle();
    await scheduler.advance(100);
    await p;
    expect(store.calls).toEqual(['alerts:1', 'victim_exposures:1', 'victim_exposures:1']);
    expect(store.alertInserts).toHaveLength(1);
    expect(store.victimInserts).toHaveLength(1);
  });

  it('acknowledges in order: rows added during a flush wait for the next flush', async () => {
    const { store, batcher, scheduler } = setup({ maxRows: 2, flushIntervalMs: 1_000 });
    const acks: string[] = [];
    store.hold();
    const a = track(acks, 'a', batcher.add({ alerts: [alertRow('a1'), alertRow('a2')], victims: [] }));
    await settle();
    expect(store.calls).toEqual(['alerts:2']);
    const b = track(acks, 'b', batcher.add({ alerts: [alertRow('b1')], victims: [] }));
    const c = track(acks, 'c', batcher.add({ victims: [victimRow('c1')], alerts: [] }));
    await settle();
    expect(store.calls).toEqual(['alerts:2']);
    store.release();
    store.hold();
    await a;
    await settle();
    expect(acks).toEqual(['a']);
    expect(store.calls).toEqual(['alerts:2', 'alerts:1']);
    store.release();
    // b and c filled a batch during the first flush, so the second flush follows at once.
    await Promise.all([b, c]);
    expect(acks).toEqual(['a', 'b', 'c']);
    expect(store.calls).toEqual(['alerts:2', 'alerts:1', 'victim_exposures:1']);
    expect(scheduler.now()).toBe(0);
  });

  it('splits a flush larger than max rows into several INSERTs', async () => {
    const { store, batcher } = setup({ maxRows: 2, flushIntervalMs: 1_000 });
    await batcher.add({ alerts: ['a', 'b', 'c', 'd', 'e'].map((id) => alertRow(id)), victims: [] });
    expect(store.calls).toEqual(['alerts:2', 'alerts:2', 'alerts:1']);
  });

  it('resolves an empty add at once without an INSERT', async () => {
    const { store, batcher, scheduler } = setup();
    await batcher.add({ alerts: [], victims: [] });
    expect(store.calls).toEqual([]);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('drain flushes without waiting for the interval, and later adds flush at once', async () => {
    const { store, batcher, scheduler } = setup({ flushIntervalMs: 10_000 });
    const a = batcher.add({ alerts: [alertRow('a1')], victims: [] });
    await batcher.drain();
    await a;
    const b = batcher.add({ alerts: [alertRow('a2')], victims: [] });
    await b;
    expect(store.calls).toEqual(['alerts:1', 'alerts:1']);
    expect(scheduler.now()).toBe(0);
    await batcher.close();
    await expect(batcher.add({ alerts: [alertRow('a3')], victims: [] })).rejects.toThrow(/closed/);
  });

  it('abort rejects in-flight and waiting rows and ends the back-off', async () => {
    const { store, batcher, scheduler } = setup({ maxRows: 1, retryInitialMs: 1_000, retryMaxMs: 1_000 });
    store.failures = Array.from({ length: 100 }, networkError);
    const acks: string[] = [];
    const a = track(acks, 'a', batcher.add({ alerts: [alertRow('a1')], victims: [] }));
    await settle();
    const b = track(acks, 'b', batcher.add({ alerts: [alertRow('b1')], victims: [] }));
    await scheduler.advance(2_500);
    batcher.abort('test shutdown');
    await Promise.all([a, b]);
    expect(acks).toEqual(['a:rejected:SHUTDOWN_TIMEOUT', 'b:rejected:SHUTDOWN_TIMEOUT']);
    const calls = store.calls.length;
    await scheduler.advance(10_000);
    expect(store.calls.length).toBe(calls);
    expect(batcher.heldRows).toBe(0);
    await batcher.drain();
    await expect(batcher.add({ alerts: [alertRow('c1')], victims: [] })).rejects.toBeInstanceOf(PipelineError);
  });
});
