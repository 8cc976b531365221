import type { RulePack } from './rule-pack.js';
import { validateRulePack } from './rule-pack-validation.js';

const START = { field: 'type', eq: 'START' };
const ANSWER = { field: 'type', eq: 'ANSWER' };
const UNATTESTED = { field: 'attestation', in: ['C', 'NONE'] };
const NOT_FULLY_ATTESTED = { field: 'attestation', in: ['B', 'C', 'NONE'] };

/**
 * The default pack, designed from domain.md's signals rather than from any one generator:
 * reference rules that are spoofing by definition (DNO, home caller ID from abroad), campaign
 * rules that need several signals at once (velocity AND missing attestation AND fan-out or CLI
 * rotation AND a low answer rate), and the OTP-after-call takeover. Legitimate look-alikes (a
 * bank's own attested, answered call centre; notification runs; roamers; heavy human callers;
 * PBXs) each miss at least one required signal.
 */
export const DEFAULT_RULE_PACK_SOURCE = {
  version: 1,
  name: 'default',
  settings: { allowedLateness: '3m', victimMinDuration: '60s', victimLookback: '1h', victimFollow: '24h' },
  rules: [
    {
      id: 'dno-spoofed-cli-trunk',
      description: 'calls presenting Do-Not-Originate (inbound-only) numbers: spoofed by definition',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      filter: { ref: 'dno' },
      window: { type: 'sliding', size: '10m', hop: '30s' },
      measures: { spoofed_calls: { fn: 'count', where: START } },
      when: [{ measure: 'spoofed_calls', op: '>=', value: 1 }],
    },
    {
      id: 'dno-spoofed-cli-number',
      description: 'a Do-Not-Originate number presented as caller ID',
      severity: 'HIGH',
      key: ['calling_number'],
      filter: { ref: 'dno' },
      window: { type: 'sliding', size: '10m', hop: '30s' },
      measures: { spoofed_calls: { fn: 'count', where: START } },
      when: [{ measure: 'spoofed_calls', op: '>=', value: 1 }],
    },
    {
      id: 'home-cli-from-abroad-trunk',
      description: 'a foreign interconnect delivering calls that present home-country non-mobile numbers',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      filter: { ref: 'home_cli_from_abroad' },
      window: { type: 'sliding', size: '10m', hop: '30s' },
      measures: { spoofed_calls: { fn: 'count', where: START } },
      when: [{ measure: 'spoofed_calls', op: '>=', value: 3 }],
    },
    {
      id: 'home-cli-from-abroad-number',
      description: 'a home-country non-mobile number arriving from abroad again and again (low-and-slow spoofing)',
      severity: 'MEDIUM',
      key: ['calling_number'],
      filter: { ref: 'home_cli_from_abroad' },
      window: { type: 'session', gap: '30m', max: '6h' },
      measures: { spoofed_calls: { fn: 'count', where: START } },
      when: [{ measure: 'spoofed_calls', op: '>=', value: 2 }],
    },
    {
      id: 'spoofing-campaign-trunk',
      description: 'high-velocity unattested fan-out with a low answer rate from one trunk (iSpoof-style campaign)',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      // Three minutes and at least 60 attempts: a busy international gateway's answer rate must not
      // dip under the limit by chance (at 20 attempts it does, at 60 it practically never does).
      window: { type: 'sliding', size: '3m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        unattested_share: { fn: 'ratio', numerator: { all: [START, UNATTESTED] }, denominator: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        answer_rate: { fn: 'ratio', numerator: ANSWER, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 60 },
        { measure: 'unattested_share', op: '>=', value: 0.7 },
        { measure: 'callee_fanout', op: '>=', value: 0.8 },
        { measure: 'answer_rate', op: '<=', value: 0.3 },
      ],
    },
    {
      id: 'spoofing-campaign-cli',
      description: 'one presented caller ID dialling many people fast without full attestation and rarely answered',
      severity: 'MEDIUM',
      key: ['calling_number'],
      filter: NOT_FULLY_ATTESTED,
      window: { type: 'sliding', size: '2m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        answer_rate: { fn: 'ratio', numerator: ANSWER, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 20 },
        { measure: 'callee_fanout', op: '>=', value: 0.8 },
        { measure: 'answer_rate', op: '<=', value: 0.35 },
      ],
    },
    {
      id: 'cli-rotation-trunk',
      description: 'a trunk presenting a different caller ID on nearly every call, without full attestation, rarely answered',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      window: { type: 'sliding', size: '2m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        cli_rotation: { fn: 'distinct_ratio', field: 'calling_number', where: START },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        answer_rate: { fn: 'ratio', numerator: ANSWER, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 60 },
        { measure: 'cli_rotation', op: '>=', value: 0.9 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'answer_rate', op: '<=', value: 0.35 },
      ],
    },
    {
      id: 'otp-after-suspicious-call',
      type: 'otp_after_call',
      description: 'an OTP SMS minutes after a connected call from a spoofed or flagged origin',
      severity: 'CRITICAL',
      within: '15m',
      suspicious: { any: [{ ref: 'dno' }, { ref: 'home_cli_from_abroad' }] },
    },
  ],
} as const;

export const DEFAULT_RULE_PACK: RulePack = validateRulePack(DEFAULT_RULE_PACK_SOURCE);
