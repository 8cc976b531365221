import { describe, expect, it } from 'vitest';
import { PipelineError, type ConsumedBatch, type ConsumedRecord, type RecordDecoder, type RejectedRecord } from '@telfraud/common';
import { validateAlert, validateVictimExposure, type Alert } from '@telfraud/core';
import { createSinkBatchHandler } from './sink-batch-handler.js';
import { toAlertRow, toVictimRow, type SinkRows } from './rows.js';
import { TopicDecoder } from './topic-decoder.js';
import { FakeScheduler, memoryLogger, settle } from './fakes.test-support.js';

/** Stands in for AvroTopicCodec: values are JSON; the registry can be down for a while. */
class JsonDecoder implements RecordDecoder {
  registryDownFor = 0;
  prepare(): Promise<void> {
    if (this.registryDownFor > 0) {
      this.registryDownFor--;
      return Promise.reject(new PipelineError('REGISTRY_UNAVAILABLE', 'registry down', { retryable: true }));
    }
    return Promise.resolve();
  }
  decode(buffer: Buffer | null): unknown {
    try {
      return JSON.parse(buffer?.toString('utf8') ?? '');
    } catch (err) {
      throw new PipelineError('DECODE_FAILED', 'not JSON', { cause: err });
    }
  }
}

const TS = Date.UTC(2026, 10, 20, 12, 0, 0);
const alert: Alert = {
  alert_id: 'a1', rule_id: 'dno', severity: 'CRITICAL', entity_type: 'ingress_trunk', entity: 'trunk-9',
  window_start: TS - 60_000, window_end: TS, ts: TS, value: 3, threshold: 1, summary: 'DNO numbers presented', evidence: ['c1'],
};

function record(topic: string, offset: number, value: unknown): ConsumedRecord {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return { topic, partition: 0, offset: String(offset), key: null, value: bytes, headers: {}, timestamp: TS };
}

function batch(topic: string, values: unknown[]): ConsumedBatch {
  return { topic, partition: 0, lag: 0, records: values.map((v, i) => record(topic, i, v)) };
}

function setup() {
  const scheduler = new FakeScheduler();
  const decoder = new JsonDecoder();
  const parked: RejectedRecord[] = [];
  const added: SinkRows[] = [];
  const addedBytes: number[] = [];
  let store: () => void = () => undefined;
  let parkFails = false;
  const heartbeats: number[] = [];
  const handler = createSinkBatchHandler({
    alertsTopic: 'fraud-alerts',
    victimsTopic: 'victim-exposures',
    alerts: new TopicDecoder(decoder, validateAlert, toAlertRow),
    victims: new TopicDecoder(decoder, validateVictimExposure, toVictimRow),
    deadLetters: {
      park: (records) => {
        if (parkFails) return Promise.reject(new Error('broker down'));
        parked.push(...records);
        return Promise.resolve();
      },
    },
    batcher: {
      add: (rows, bytes) => {
        added.push(rows);
        addedBytes.push(bytes);
        // As the real batcher: rows wait for room, an empty add only marks the batch handled.
        if (rows.alerts.length + rows.victims.length === 0) return Promise.resolve();
        return new Promise<void>((resolve) => {
          store = resolve;
        });
      },
    },
    logger: memoryLogger().logger,
    scheduler,
    heartbeatIntervalMs: 1_000,
    retryInitialMs: 100,
    retryMaxMs: 1_000,
  });
  const ctx = { isRunning: () => true, heartbeat: () => { heartbeats.push(scheduler.now()); return Promise.resolve(); } };
  return { handler, ctx, scheduler, decoder, parked, added, addedBytes, heartbeats, storeRows: () => store(), failPark: () => { parkFails = true; } };
}

describe('sink batch handler', () => {
  it('parks bad records with their reason, and resolves only once the batcher has taken the good rows', async () => {
    const t = setup();
    let done = false;
    const run = t.handler(batch('fraud-alerts', [alert, 'garbage', { ...alert, alert_id: 'a2', severity: 'URGENT' }, { ...alert, value: null }]), t.ctx)
      .then(() => { done = true; });
    await settle();
    expect(t.parked.map((p) => [p.record.offset, p.error.code, p.error.path])).toEqual([
      ['1', 'DECODE_FAILED', undefined],
      ['2', 'CONTRACT_VIOLATION', 'severity'],
      ['3', 'CONTRACT_VIOLATION', 'value'],
    ]);
    expect(t.added).toHaveLength(1);
    expect(t.added[0]?.alerts.map((r) => [r.alert_id, r.event_date])).toEqual([['a1', '2026-11-20']]);
    expect(t.added[0]?.victims).toEqual([]);
    // The size of the consumed records travels with the rows (the batcher's byte limit).
    expect(t.addedBytes[0]).toBe(batch('fraud-alerts', [alert, 'garbage', { ...alert, alert_id: 'a2', severity: 'URGENT' }, { ...alert, value: null }]).records.reduce((n, r) => n + (r.value?.length ?? 0), 0));
    expect(done).toBe(false);
    t.storeRows();
    await run;
    expect(done).toBe(true);
  });

  it('routes victim exposures to the victims table', async () => {
    const t = setup();
    const victim = { victim_number: '+447700900123', entity_type: 'ingress_trunk', entity: 'trunk-9', alert_id: 'a1', call_id: 'c1', ts: TS, duration_ms: 61_000 };
    const run = t.handler(batch('victim-exposures', [victim, { ...victim, victim_number: '07700 900123' }]), t.ctx);
    await settle();
    expect(t.added[0]?.victims.map((r) => r.call_id)).toEqual(['c1']);
    expect(t.parked.map((p) => p.error.path)).toEqual(['victim_number']);
    t.storeRows();
    await run;
  });

  it('heartbeats while its rows wait for room in the batcher', async () => {
    const t = setup();
    const run = t.handler(batch('fraud-alerts', [alert]), t.ctx);
    await t.scheduler.advance(3_500);
    expect(t.heartbeats).toEqual([1_000, 2_000, 3_000]);
    t.storeRows();
    await run;
    await t.scheduler.advance(5_000);
    expect(t.heartbeats).toHaveLength(3);
  });

  it('waits for the schema registry instead of dead-lettering good records', async () => {
    const t = setup();
    t.decoder.registryDownFor = 2;
    const run = t.handler(batch('fraud-alerts', [alert]), t.ctx);
    await t.scheduler.advance(100);
    expect(t.added).toHaveLength(0);
    await t.scheduler.advance(200);
    expect(t.added).toHaveLength(1);
    expect(t.parked).toHaveLength(0);
    t.storeRows();
    await run;
  });

  it('fails the batch (so it is consumed again) when the dead-letter topic cannot be written', async () => {
    const t = setup();
    t.failPark();
    await expect(t.handler(batch('fraud-alerts', [alert, 'garbage']), t.ctx)).rejects.toThrow(/broker down/);
    expect(t.added).toHaveLength(0);
  });

  it('a batch with only bad records resolves once they are parked, telling the batcher it was handled (no rows)', async () => {
    const t = setup();
    await t.handler(batch('fraud-alerts', ['x', 'y']), t.ctx);
    expect(t.parked).toHaveLength(2);
    expect(t.added).toEqual([{ alerts: [], victims: [] }]);
  });
});
