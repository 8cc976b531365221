import { describe, expect, it } from 'vitest';
import { foldJournal, type JournalEntry } from './action-log.js';
import { alert, T0, testCore } from './fixtures.test-support.js';

function decided(entity: string, targets = ['http://t0/', 'http://t1/']): Extract<JournalEntry, { kind: 'decided' }> {
  const [plan] = testCore().onAlert(alert({ entity, alert_id: `a-${entity}` }), T0);
  if (!plan?.action) throw new Error('no action');
  return { kind: 'decided', body: JSON.stringify(plan.action), action: plan.action, decision: plan.decision, targets };
}

describe('foldJournal', () => {
  it('an action decided and not finished is pending with its body, decision and attempt 1 at each target', () => {
    const d = decided('e1');
    const log = foldJournal([d]);
    expect(log.carriedOut).toEqual([]);
    expect(log.pending).toEqual([{ body: d.body, action: d.action, decision: d.decision, attempts: new Map([['http://t0/', 1], ['http://t1/', 1]]) }]);
  });

  it('further attempts raise the count of their target only', () => {
    const d = decided('e1');
    const key = d.action.idempotency_key;
    const log = foldJournal([d, { kind: 'attempt', idempotencyKey: key, target: 'http://t1/', attempt: 2 }, { kind: 'attempt', idempotencyKey: key, target: 'http://t1/', attempt: 3 }]);
    expect(log.pending[0]?.attempts).toEqual(new Map([['http://t0/', 1], ['http://t1/', 3]]));
  });

  it('a carried-out action rebuilds state and is no longer pending; a failed one is neither', () => {
    const [a, b, c] = [decided('a'), decided('b'), decided('c')];
    const log = foldJournal([
      a, b, c,
      { kind: 'carried-out', body: a.body, action: a.action },
      { kind: 'failed', idempotencyKey: b.action.idempotency_key },
    ]);
    expect(log.carriedOut).toEqual([a.action]);
    expect(log.pending.map((p) => p.action.entity)).toEqual(['c']);
  });

  it('reads journals written before write-ahead entries existed: carried-out records only', () => {
    const a = decided('a');
    expect(foldJournal([{ kind: 'carried-out', body: a.body, action: a.action }])).toEqual({ carriedOut: [a.action], pending: [] });
  });

  it('attempts of keys it does not hold pending are ignored', () => {
    expect(foldJournal([{ kind: 'attempt', idempotencyKey: 'tf-x', target: 'http://t0/', attempt: 4 }]).pending).toEqual([]);
  });
});
