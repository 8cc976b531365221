import { describe, expect, it } from 'vitest';
import { SocApiError } from '../api/api-error.js';
import { applyTriage, OPEN_TRIAGE, parseTriageRequest, type TriageRequest } from './triage-transition.js';
import { thrownBy } from '../../../../test/support/thrown-by.js';

const body = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const req = (v: Partial<TriageRequest> & Pick<TriageRequest, 'action'>): TriageRequest => ({ assignee: undefined, verdict: undefined, comment: undefined, ...v });

describe('parseTriageRequest', () => {
  it.each([
    ['not json', 'body'], [[1], 'body'], [{ action: 'delete' }, 'action'], [{ action: 'close' }, 'verdict'],
    [{ action: 'close', verdict: 'maybe' }, 'verdict'], [{ action: 'acknowledge', verdict: 'benign' }, 'verdict'],
    [{ action: 'assign' }, 'assignee'], [{ action: 'comment', comment: '  ' }, 'comment'],
    [{ action: 'comment', comment: 'x'.repeat(4001) }, 'comment'], [{ action: 'assign', assignee: 7 }, 'assignee'],
  ])('refuses %j naming %s', (input, parameter) => {
    expect(thrownBy(SocApiError, () => parseTriageRequest(body(input)))).toMatchObject({ status: 400, parameter });
  });

  it('accepts a close with verdict and comment', () => {
    expect(parseTriageRequest(body({ action: 'close', verdict: 'false_positive', comment: "bank's own trunk" })))
      .toEqual({ action: 'close', verdict: 'false_positive', comment: "bank's own trunk", assignee: undefined });
  });
});

describe('applyTriage', () => {
  it('walks open -> acknowledged -> assigned -> closed -> reopened', () => {
    const ack = applyTriage(OPEN_TRIAGE, req({ action: 'acknowledge' }), 10, 'ann');
    expect(ack).toEqual({ status: 'acknowledged', assignee: null, verdict: null, comment: null, ts: 10, actor: 'ann' });
    const assigned = applyTriage(ack, req({ action: 'assign', assignee: 'bob' }), 11, 'ann');
    expect(assigned.assignee).toBe('bob');
    const closed = applyTriage(assigned, req({ action: 'close', verdict: 'true_positive', comment: 'confirmed' }), 12, 'bob');
    expect(closed).toEqual({ status: 'closed', assignee: 'bob', verdict: 'true_positive', comment: 'confirmed', ts: 12, actor: 'bob' });
    const commented = applyTriage(closed, req({ action: 'comment', comment: 'bank told' }), 13, 'ann');
    expect(commented).toMatchObject({ status: 'closed', verdict: 'true_positive', comment: 'bank told', assignee: 'bob' });
    const reopened = applyTriage(commented, req({ action: 'reopen' }), 14, 'ann');
    expect(reopened).toMatchObject({ status: 'open', verdict: null, assignee: 'bob' });
    expect(applyTriage(reopened, req({ action: 'assign', assignee: '' }), 15, 'ann').assignee).toBeNull();
  });

  it('assigning an open alert takes it out of the open queue; acknowledging a closed one keeps it closed', () => {
    expect(applyTriage(OPEN_TRIAGE, req({ action: 'assign', assignee: 'x' }), 1, 'a').status).toBe('acknowledged');
    const closed = applyTriage(OPEN_TRIAGE, req({ action: 'close', verdict: 'benign' }), 1, 'a');
    expect(applyTriage(closed, req({ action: 'acknowledge' }), 2, 'a')).toMatchObject({ status: 'closed', verdict: 'benign' });
  });
});
