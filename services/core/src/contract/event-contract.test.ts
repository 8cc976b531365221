import { describe, expect, it } from 'vitest';
import { validateCallEvent, validateSmsEvent } from './event-contract.js';

const T = Date.UTC(2025, 2, 3, 9, 0, 0);
const CALL = {
  event_id: 'e1', call_id: 'c1', type: 'END', ts: T, calling_number: '+442071234567', called_number: '+447700900001',
  ingress_trunk: 'trunk-a', ingress_country: 'GB', attestation: 'A', duration_ms: 61_000, sip_code: 200,
};
const SMS = { event_id: 's1', ts: T, sender: 'HSBC', recipient_number: '+447700900001', category: 'OTP' };

describe('validateCallEvent', () => {
  it('accepts a contract-conforming event and normalises absent nullables to null', () => {
    expect(validateCallEvent(CALL)).toEqual({ ok: true, value: CALL });
    const { duration_ms: _d, sip_code: _s, ...start } = { ...CALL, type: 'START' };
    const r = validateCallEvent(start);
    expect(r.ok && r.value.duration_ms === null && r.value.sip_code === null).toBe(true);
  });

  it.each([
    ['not an object', [], ''],
    ['empty event_id', { ...CALL, event_id: '' }, 'event_id'],
    ['long call_id', { ...CALL, call_id: 'x'.repeat(257) }, 'call_id'],
    ['missing ingress_trunk', { ...CALL, ingress_trunk: undefined }, 'ingress_trunk'],
    ['unknown type', { ...CALL, type: 'RING' }, 'type'],
    ['ts as string', { ...CALL, ts: String(T) }, 'ts'],
    ['ts before 2000', { ...CALL, ts: 0 }, 'ts'],
    ['non-E.164 caller', { ...CALL, calling_number: '02071234567' }, 'calling_number'],
    ['non-E.164 callee', { ...CALL, called_number: '+0123' }, 'called_number'],
    ['lower-case country', { ...CALL, ingress_country: 'gb' }, 'ingress_country'],
    ['unknown attestation', { ...CALL, attestation: 'D' }, 'attestation'],
    ['fractional duration', { ...CALL, duration_ms: 1.5 }, 'duration_ms'],
    ['negative duration', { ...CALL, duration_ms: -1 }, 'duration_ms'],
    ['non-SIP code', { ...CALL, sip_code: 42 }, 'sip_code'],
  ])('rejects %s with the field path', (_why, input, path) => {
    const r = validateCallEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violation.path).toBe(path);
  });
});

describe('validateSmsEvent', () => {
  it('accepts a contract-conforming SMS', () => {
    expect(validateSmsEvent(SMS)).toEqual({ ok: true, value: SMS });
  });

  it.each([
    ['null', null, ''],
    ['no event_id', { ...SMS, event_id: undefined }, 'event_id'],
    ['bad ts', { ...SMS, ts: 1.5 }, 'ts'],
    ['empty sender', { ...SMS, sender: '' }, 'sender'],
    ['long sender', { ...SMS, sender: 'x'.repeat(65) }, 'sender'],
    ['bad recipient', { ...SMS, recipient_number: '447700900001' }, 'recipient_number'],
    ['bad category', { ...SMS, category: 'SPAM' }, 'category'],
  ])('rejects %s with the field path', (_why, input, path) => {
    const r = validateSmsEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.violation.path).toBe(path);
  });
});
