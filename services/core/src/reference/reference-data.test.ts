import { describe, expect, it } from 'vitest';
import { callEvent } from '../test-support/call-builder.js';
import { reference } from '../test-support/fixtures.js';
import { EMPTY_REFERENCE, isAllowlisted, isDnoCall, isEntityAllowlisted, isHomeCliFromAbroad } from './reference-data.js';

const REF = reference({ allowlist: { ingress_trunk: ['bank-out-1'], calling_number: ['+442079460000'] } });

describe('reference checks', () => {
  it.each([
    ['DNO caller ID', { calling_number: '+443001110001' }, true],
    ['DNO number as callee only', { called_number: '+443001110001' }, false],
    ['ordinary caller ID', {}, false],
  ])('isDnoCall: %s → %s', (_why, p, expected) => {
    expect(isDnoCall(callEvent(p), REF)).toBe(expected);
  });

  it.each([
    ['UK landline from abroad', { ingress_country: 'NL', calling_number: '+442071234567' }, true],
    ['UK mobile roaming abroad (exception)', { ingress_country: 'NL', calling_number: '+447700900001' }, false],
    ['UK landline from home', { ingress_country: 'GB', calling_number: '+442071234567' }, false],
    ['foreign number from abroad', { ingress_country: 'NL', calling_number: '+31201234567' }, false],
  ])('isHomeCliFromAbroad: %s → %s', (_why, p, expected) => {
    expect(isHomeCliFromAbroad(callEvent(p), REF)).toBe(expected);
  });

  it('isHomeCliFromAbroad is false without a network profile', () => {
    expect(isHomeCliFromAbroad(callEvent({ ingress_country: 'NL' }), EMPTY_REFERENCE)).toBe(false);
  });

  it.each([
    ['allowlisted trunk', { ingress_trunk: 'bank-out-1' }, true],
    ['allowlisted caller ID', { calling_number: '+442079460000' }, true],
    ['allowlisted value in another field', { called_number: '+442079460000' }, false],
    ['nothing allowlisted', {}, false],
  ])('isAllowlisted: %s → %s', (_why, p, expected) => {
    expect(isAllowlisted(callEvent(p), REF)).toBe(expected);
    expect(isAllowlisted(callEvent(p), EMPTY_REFERENCE)).toBe(false);
  });

  it('isEntityAllowlisted matches type and value', () => {
    expect(isEntityAllowlisted('ingress_trunk', 'bank-out-1', REF)).toBe(true);
    expect(isEntityAllowlisted('calling_number', 'bank-out-1', REF)).toBe(false);
    expect(isEntityAllowlisted('ingress_trunk', 'other', REF)).toBe(false);
  });
});
