import { describe, expect, it } from 'vitest';
import type { MessageProducer, OutgoingRecord } from '@telfraud/common';
import { foldJournal } from '../core/action-log.js';
import { alert, T0, testCore } from '../core/fixtures.test-support.js';
import { ActionJournal } from './action-journal.js';
import { parseJournalRecord } from './journal-reader.js';

function recordingProducer(): { producer: MessageProducer; records: OutgoingRecord[] } {
  const records: OutgoingRecord[] = [];
  return { records, producer: { send: async (_topic, r) => void records.push(...r), close: async () => undefined } };
}

describe('the action topic as a journal', () => {
  it('reads back what ActionJournal writes: decided, attempts, carried out, failed', async () => {
    const { producer, records } = recordingProducer();
    const journal = new ActionJournal(producer, 'block-actions');
    const core = testCore();
    const [p1] = core.onAlert(alert({ entity: 'e1', alert_id: 'a1' }), T0);
    const [p2] = core.onAlert(alert({ entity: 'e2', alert_id: 'a2' }), T0);
    const [p3] = core.onAlert(alert({ entity: 'e3', alert_id: 'a3' }), T0);
    if (!p1?.action || !p2?.action || !p3?.action) throw new Error('no action');
    const body = (a: typeof p1.action): string => JSON.stringify(a);
    await journal.decide([p1, p2, p3].map((p) => ({ body: body(p.action!), action: p.action!, decision: p.decision, targets: ['https://sbc.example/hook'] })));
    await journal.attempt(p3.action, 'https://user:pw@sbc.example/hook', 2);
    await journal.finish([{ body: body(p1.action), action: p1.action, carriedOut: true }, { body: body(p2.action), action: p2.action, carriedOut: false }]);

    const entries = records.map((r) => parseJournalRecord(r.value, r.headers ?? {}));
    expect(entries.map((e) => e?.kind)).toEqual(['decided', 'decided', 'decided', 'attempt', 'carried-out', 'failed']);
    // The carried-out record is the body itself, byte for byte: the feed other systems consume.
    expect(records[4]?.value.toString('utf8')).toBe(body(p1.action));
    expect(records[4]?.headers).toEqual({ 'idempotency-key': p1.action.idempotency_key, action: 'block' });
    expect(records.map((r) => r.key)).toEqual(['ingress_trunk:e1', 'ingress_trunk:e2', 'ingress_trunk:e3', 'ingress_trunk:e3', 'ingress_trunk:e1', 'ingress_trunk:e2']);

    const log = foldJournal(entries.filter((e) => e !== undefined));
    expect(log.carriedOut).toEqual([p1.action]);
    expect(log.pending).toEqual([{ body: body(p3.action), action: p3.action, decision: p3.decision, attempts: new Map([['https://sbc.example/hook', 2]]) }]);
  });

  it('skips records it cannot read', () => {
    expect(parseJournalRecord(Buffer.from('not json'), {})).toBeUndefined();
    expect(parseJournalRecord(Buffer.from('{"version":1}'), {})).toBeUndefined();
    expect(parseJournalRecord(Buffer.from('{"entry":"decided"}'), { 'journal-entry': 'decided' })).toBeUndefined();
    expect(parseJournalRecord(null, {})).toBeUndefined();
  });
});
