import { answeredCall, drawOutcome, failedCall, humanTalkMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { foreignNumber, ukSubscriber } from '../model/numbering.js';
import {
  DOMESTIC_INTERCONNECTS, INTERNATIONAL_GATEWAYS, OWN_CORE_TRUNKS, domesticAttestation, foreignAttestation,
} from '../model/network-plan.js';
import { BANKS } from '../model/bank-directory.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import { smsRecord, type SimRecord } from '../model/sim-record.js';

/**
 * Ordinary subscribers: the haystack. A population of thousands of numbers, each calling a few times
 * an hour, mostly to one another over domestic trunks (A/B attested), with some inbound international
 * calls from foreign numbers on foreign gateways (C/none), plus person-to-person, A2P and OTP texts.
 * Organic bank OTPs are included on purpose: an OTP alone is no sign of fraud.
 */
const ANSWER_RATE_DOMESTIC = 0.7;
const ANSWER_RATE_INTERNATIONAL = 0.6;
const INTERNATIONAL_SHARE = 0.08;
/** START + END always, ANSWER for answered calls. */
const EVENTS_PER_CALL = 2 + ANSWER_RATE_DOMESTIC;
const CALLS_PER_SUBSCRIBER_HOUR = 3;
const SMS_PER_CALL = 0.35;
const A2P_SENDERS = ['PARCELHUB', 'GPSURGERY', 'ENERGYCO', 'TRAINLINK', 'COUNCIL'] as const;
const OTP_SENDERS = ['VERIFY', 'SHOPNOW', 'RIDEAPP', 'MAILBOX', ...BANKS.map((b) => b.smsSender)] as const;

export function createBackground(ctx: ScenarioContext, callEventsPerSec: number): ScenarioSource {
  const { rng, ids } = ctx;
  const callsPerMin = (callEventsPerSec * 60) / EVENTS_PER_CALL;
  // Enough subscribers that each one makes about three calls an hour, but never a toy population.
  const populationSize = Math.round(Math.min(500_000, Math.max(5_000, (callsPerMin * 60) / CALLS_PER_SUBSCRIBER_HOUR)));
  const population = Array.from({ length: populationSize }, () => ukSubscriber(rng));
  const member = (): string => population[rng.int(population.length)]!;

  const domesticCall = (ts: number): SimRecord[] => {
    const caller = member();
    const mobile = caller.startsWith('+447');
    const trunk = mobile ? rng.pick(OWN_CORE_TRUNKS) : rng.pick(DOMESTIC_INTERCONNECTS);
    const callee = rng.chance(0.8) ? member() : ukSubscriber(rng);
    const outcome = drawOutcome(rng, ANSWER_RATE_DOMESTIC, () => humanTalkMs(rng));
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: caller, calledNumber: callee, trunk,
      attestation: mobile ? 'A' : domesticAttestation(rng), outcome,
    });
  };

  const internationalCall = (ts: number): SimRecord[] => {
    const trunk = rng.weighted(INTERNATIONAL_GATEWAYS);
    const outcome = rng.chance(ANSWER_RATE_INTERNATIONAL)
      ? answeredCall(rng, humanTalkMs(rng, 240_000, 0.9))
      : failedCall(rng);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: foreignNumber(rng, trunk.country), calledNumber: member(), trunk,
      attestation: foreignAttestation(rng), outcome,
    });
  };

  const sms = (ts: number): SimRecord[] => {
    const kind = rng.weighted([['P2P', 75], ['A2P', 15], ['OTP', 10]] as const);
    const sender = kind === 'P2P' ? member() : kind === 'A2P' ? rng.pick(A2P_SENDERS) : rng.pick(OTP_SENDERS);
    return [smsRecord(ids, ts, sender, member(), kind)];
  };

  const callShare = 1 / (1 + SMS_PER_CALL);
  const activity = (ts: number): SimRecord[] => {
    if (!rng.chance(callShare)) return sms(ts);
    return rng.chance(INTERNATIONAL_SHARE) ? internationalCall(ts) : domesticCall(ts);
  };

  const entities = [...OWN_CORE_TRUNKS, ...DOMESTIC_INTERCONNECTS, ...INTERNATIONAL_GATEWAYS.map(([t]) => t)].map(
    (t) => ({ entity_type: 'ingress_trunk' as const, entity: t.id }),
  );
  return activitySource(
    { name: 'background', kind: 'legit', entities },
    ctx.window,
    poissonProcess(rng, callsPerMin / callShare),
    activity,
  );
}
