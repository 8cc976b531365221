import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { EMPTY_REFERENCE } from '../reference/reference-data.js';
import { callEvent } from '../test-support/call-builder.js';
import { reference } from '../test-support/fixtures.js';
import { compileCondition } from './condition.js';
import type { Condition } from './rule-pack.js';

const REF = reference({ allowlist: { ingress_trunk: ['bank-out-1'] } });
const END = callEvent({ type: 'END', duration_ms: 61_000, sip_code: 200, attestation: 'B' });
const START = callEvent();

const cases: [string, Condition, Partial<CallEvent>, boolean][] = [
  ['eq match', { field: 'type', eq: 'START' }, {}, true],
  ['eq miss', { field: 'type', eq: 'END' }, {}, false],
  ['eq null', { field: 'duration_ms', eq: null }, {}, true],
  ['ne', { field: 'attestation', ne: 'A' }, {}, true],
  ['ne miss', { field: 'attestation', ne: 'NONE' }, {}, false],
  ['in', { field: 'attestation', in: ['C', 'NONE'] }, {}, true],
  ['in miss', { field: 'attestation', in: ['A', 'B'] }, {}, false],
  ['in numbers', { field: 'sip_code', in: [486, 487] }, { sip_code: 487 }, true],
  ['notIn', { field: 'ingress_country', notIn: ['GB'] }, { ingress_country: 'NL' }, true],
  ['notIn miss', { field: 'ingress_country', notIn: ['GB'] }, {}, false],
  ['prefix', { field: 'calling_number', prefix: ['+33', '+4420'] }, {}, true],
  ['prefix miss', { field: 'calling_number', prefix: ['+447'] }, {}, false],
  ['prefix on non-string', { field: 'duration_ms', prefix: ['6'] }, { duration_ms: 61_000 }, false],
  ['gt', { field: 'duration_ms', gt: 60_000 }, { duration_ms: 60_001 }, true],
  ['gt equal', { field: 'duration_ms', gt: 60_000 }, { duration_ms: 60_000 }, false],
  ['gte equal', { field: 'duration_ms', gte: 60_000 }, { duration_ms: 60_000 }, true],
  ['lt', { field: 'duration_ms', lt: 5_000 }, { duration_ms: 4_999 }, true],
  ['lt equal', { field: 'duration_ms', lt: 5_000 }, { duration_ms: 5_000 }, false],
  ['lte equal', { field: 'duration_ms', lte: 5_000 }, { duration_ms: 5_000 }, true],
  ['numeric op on null', { field: 'duration_ms', lte: 5_000 }, { duration_ms: null }, false],
  ['all true', { all: [{ field: 'type', eq: 'START' }, { field: 'attestation', eq: 'NONE' }] }, {}, true],
  ['all one false', { all: [{ field: 'type', eq: 'START' }, { field: 'attestation', eq: 'A' }] }, {}, false],
  ['any one true', { any: [{ field: 'type', eq: 'END' }, { field: 'attestation', eq: 'NONE' }] }, {}, true],
  ['any none true', { any: [{ field: 'type', eq: 'END' }, { field: 'attestation', eq: 'A' }] }, {}, false],
  ['not', { not: { field: 'type', eq: 'START' } }, {}, false],
  ['nested', { not: { any: [{ field: 'attestation', eq: 'A' }, { all: [{ field: 'type', eq: 'START' }, { field: 'ingress_country', eq: 'GB' }] }] } }, {}, false],
  ['ref dno', { ref: 'dno' }, { calling_number: '+443001110003' }, true],
  ['ref dno miss', { ref: 'dno' }, {}, false],
  ['ref home_cli_from_abroad', { ref: 'home_cli_from_abroad' }, { ingress_country: 'IE', calling_number: '+441612345678' }, true],
  ['ref home_cli_from_abroad roamer', { ref: 'home_cli_from_abroad' }, { ingress_country: 'IE', calling_number: '+447700900001' }, false],
  ['ref home_cli_from_abroad at home', { ref: 'home_cli_from_abroad' }, { calling_number: '+441612345678' }, false],
  ['ref home_country_ingress', { ref: 'home_country_ingress' }, {}, true],
  ['ref home_country_ingress abroad', { ref: 'home_country_ingress' }, { ingress_country: 'US' }, false],
  ['ref allowlisted', { ref: 'allowlisted' }, { ingress_trunk: 'bank-out-1' }, true],
  ['ref allowlisted miss', { ref: 'allowlisted' }, {}, false],
];

describe('compileCondition', () => {
  it.each(cases)('%s', (_why, cond, p, expected) => {
    expect(compileCondition(cond, () => REF)(callEvent(p))).toBe(expected);
  });

  it('tells START and END apart on the same call', () => {
    const isLongEnd = compileCondition({ all: [{ field: 'type', eq: 'END' }, { field: 'duration_ms', gt: 60_000 }] }, () => REF);
    expect([isLongEnd(START), isLongEnd(END)]).toEqual([false, true]);
  });

  it('reads the reference data at evaluation time, so a reload takes effect without recompiling', () => {
    let ref = EMPTY_REFERENCE;
    const dno = compileCondition({ ref: 'dno' }, () => ref);
    const e = callEvent({ calling_number: '+443001110001' });
    expect(dno(e)).toBe(false);
    ref = REF;
    expect(dno(e)).toBe(true);
  });
});
