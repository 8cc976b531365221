import type { RulePack } from './rule-pack.js';
import { validateRulePack } from './rule-pack-validation.js';

const START = { field: 'type', eq: 'START' };
const ANSWER = { field: 'type', eq: 'ANSWER' };
const END = { field: 'type', eq: 'END' };
/**
 * A call over within 20 s: never answered (duration 0), or hung up at once. People talk longer.
 * Every short share is required twice, per attempt (START) and per released call (END): a long call
 * ends minutes after it starts, so when a trunk's traffic begins the share per END runs high and when
 * it stops (or the data ends) the share per START runs high; each is low exactly when the other is
 * high, and both equal the true share in steady traffic.
 */
const SHORT_END = { all: [END, { field: 'duration_ms', lt: 20_000 }] };
const ANSWERED_END = { all: [END, { field: 'duration_ms', gt: 0 }] };
/** An answered call hung up within 20 s. */
const BRIEF_ANSWERED_END = { all: [END, { field: 'duration_ms', gt: 0 }, { field: 'duration_ms', lt: 20_000 }] };
const NOT_FULLY_ATTESTED = { field: 'attestation', in: ['B', 'C', 'NONE'] };
/** A conversation past a minute: what people's calls have and a campaign's (its hooked victims aside) lack. */
const LONG_END = { all: [END, { field: 'duration_ms', gt: 60_000 }] };
/** One-sided confidence of the Wilson bounds: a share must be shown, not merely reached by a lucky window. */
const CONFIDENCE = 0.99;

/**
 * The default pack, designed from domain.md's signals rather than from any one generator:
 * reference rules that are spoofing by definition (DNO, home caller ID from abroad), campaign
 * rules that need several signals at once (attempts AND missing attestation AND fan-out, caller-ID
 * rotation, neighbour caller IDs or range dialling AND a high share of calls failed or over within
 * seconds), and the OTP-after-call takeover. Legitimate look-alikes (a bank's own attested, answered
 * call centre; diallers, notification and school runs signed A; interconnects whose callers talk;
 * roamers; heavy human callers; PBXs) each miss at least one required signal.
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
      description: 'a trunk dialling many different people, not fully attested, and nearly every call failed or over within seconds (any caller-ID style)',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      // Ten minutes and 25 attempts: a 5/min campaign is caught within about nine minutes. The caller ID
      // is not looked at, so rotation, pools, neighbour spoofing and single numbers are all covered.
      // A plain 80 % short share is crossed by chance on a low-volume legitimate trunk (55-70 % short,
      // 25-50 attempts a window) several times a day; the share's 99 % lower bound must reach 72 %
      // (24 of 25, 44 of 50) and at most 6 % of attempts may be calls past a minute (a fifth or more
      // of people's calls are), which together a campaign answered 20 % or less meets.
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START, lowerBound: CONFIDENCE },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END, lowerBound: CONFIDENCE },
        long_share: { fn: 'ratio', numerator: LONG_END, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 25 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'callee_fanout', op: '>=', value: 0.5 },
        { measure: 'short_share', op: '>=', value: 0.72 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.72 },
        { measure: 'long_share', op: '<=', value: 0.06 },
      ],
    },
    {
      id: 'hang-up-campaign-trunk',
      description: 'a trunk dialling many different people, not fully attested, mostly failed, and those who answer hang up within seconds',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      // The campaign answered up to 40 % of the time: its short share alone overlaps a busy interconnect's,
      // but people who answer a stranger's call and hang up within 20 s are half or more of its answers
      // and 15-30 % of ordinary answered calls (voicemail, quick calls): the hang-up share's 95 % lower
      // bound must reach 45 %, and at most a third of its answered calls may last past a minute.
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START, lowerBound: CONFIDENCE },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END, lowerBound: CONFIDENCE },
        long_share: { fn: 'ratio', numerator: LONG_END, denominator: START },
        long_share_of_answered: { fn: 'ratio', numerator: LONG_END, denominator: ANSWERED_END },
        answered: { fn: 'count', where: ANSWER },
        hang_up_share: { fn: 'ratio', numerator: BRIEF_ANSWERED_END, denominator: ANSWER, lowerBound: 0.95 },
        hang_up_share_of_ends: { fn: 'ratio', numerator: BRIEF_ANSWERED_END, denominator: ANSWERED_END, lowerBound: 0.95 },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 25 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'callee_fanout', op: '>=', value: 0.5 },
        { measure: 'short_share', op: '>=', value: 0.5 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.5 },
        { measure: 'long_share', op: '<=', value: 0.15 },
        { measure: 'long_share_of_answered', op: '<=', value: 0.35 },
        { measure: 'answered', op: '>=', value: 5 },
        { measure: 'hang_up_share', op: '>=', value: 0.45 },
        { measure: 'hang_up_share_of_ends', op: '>=', value: 0.45 },
      ],
    },
    {
      id: 'spoofing-campaign-cli',
      description: 'one presented caller ID, not fully attested, dialling many different people, nearly every call failed or over within seconds',
      severity: 'MEDIUM',
      key: ['calling_number'],
      // Not a filter: a filtered rule's victims are only the calls it filters in, and a campaign signs a few calls A.
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START, lowerBound: CONFIDENCE },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END, lowerBound: CONFIDENCE },
        long_share: { fn: 'ratio', numerator: LONG_END, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 25 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'callee_fanout', op: '>=', value: 0.5 },
        { measure: 'short_share', op: '>=', value: 0.6 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.6 },
        { measure: 'long_share', op: '<=', value: 0.08 },
      ],
    },
    {
      id: 'cli-rotation-trunk',
      description: 'a trunk presenting a different caller ID on nearly every call, not fully attested, nearly every call failed or over within seconds',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: START },
        cli_rotation: { fn: 'distinct_ratio', field: 'calling_number', where: START },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START, lowerBound: CONFIDENCE },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END, lowerBound: CONFIDENCE },
        long_share: { fn: 'ratio', numerator: LONG_END, denominator: START },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 25 },
        { measure: 'cli_rotation', op: '>=', value: 0.9 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'short_share', op: '>=', value: 0.72 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.72 },
        { measure: 'long_share', op: '<=', value: 0.06 },
      ],
    },
    {
      id: 'neighbour-spoofing-trunk',
      description: 'a trunk whose calls mostly present a number from the callee\'s own number block, not fully attested, mostly failed or short',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        neighbour_calls: { fn: 'count', where: { all: [START, NOT_FULLY_ATTESTED, { ref: 'neighbour_cli' }] } },
        neighbour_share: { fn: 'ratio', numerator: { all: [START, { ref: 'neighbour_cli' }] }, denominator: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END },
      },
      when: [
        { measure: 'neighbour_calls', op: '>=', value: 10 },
        { measure: 'neighbour_share', op: '>=', value: 0.5 },
        { measure: 'short_share', op: '>=', value: 0.5 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.5 },
      ],
    },
    {
      id: 'range-dialling-trunk',
      description: 'a trunk working through a number range (distinct callees in few 100-number blocks), not fully attested, mostly failed or short',
      severity: 'HIGH',
      key: ['ingress_trunk'],
      window: { type: 'sliding', size: '10m', hop: '10s' },
      measures: {
        attempts: { fn: 'count', where: { all: [START, NOT_FULLY_ATTESTED] } },
        not_fully_attested_share: { fn: 'ratio', numerator: { all: [START, NOT_FULLY_ATTESTED] }, denominator: START },
        callee_fanout: { fn: 'distinct_ratio', field: 'called_number', where: START },
        callee_blocks: { fn: 'distinct_ratio', field: 'called_number', dropDigits: 2, where: START },
        short_share: { fn: 'ratio', numerator: SHORT_END, denominator: START },
        short_share_of_ends: { fn: 'ratio', numerator: SHORT_END, denominator: END },
      },
      when: [
        { measure: 'attempts', op: '>=', value: 15 },
        { measure: 'not_fully_attested_share', op: '>=', value: 0.6 },
        { measure: 'callee_fanout', op: '>=', value: 0.7 },
        { measure: 'callee_blocks', op: '<=', value: 0.3 },
        { measure: 'short_share', op: '>=', value: 0.5 },
        { measure: 'short_share_of_ends', op: '>=', value: 0.5 },
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
