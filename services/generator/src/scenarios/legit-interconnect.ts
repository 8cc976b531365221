import type { Attestation } from '@telfraud/core';
import { drawOutcome, humanTalkMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { foreignNumber, ukSubscriber } from '../model/numbering.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * Legitimate interconnects that look like CLI rotation: a domestic transit carrier handing over
 * thousands of different subscribers' calls (mixed attestation, since it re-signs what it cannot
 * vouch for with B or C), and a foreign carrier's interconnect with foreign callers (gateway
 * attestation or none), at a modest rate so its window holds only tens of attempts. Every call is
 * a different caller to a different callee; only people's ordinary answer rates and conversation
 * lengths tell them from a campaign. Rates and answer rates are drawn per seed.
 */
export const TRANSIT_TRUNK: Trunk = { id: 'gb-transit-ic-01', country: HOME_COUNTRY };
export const FOREIGN_CARRIER_TRUNK: Trunk = { id: 'fr-carrier-ic-01', country: 'FR' };

export function createLegitInterconnect(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const transitPerMin = rng.uniform(20, 200) * ctx.intensity;
  const foreignPerMin = rng.uniform(4, 15) * ctx.intensity;
  const transitAnswer = rng.uniform(0.55, 0.65);
  const foreignAnswer = rng.uniform(0.55, 0.65);
  const population = Array.from({ length: 5_000 }, () => ukSubscriber(rng));
  const transitAttestation: readonly (readonly [Attestation, number])[] = [['A', 45], ['B', 30], ['C', 20], ['NONE', 5]];

  const activity = (ts: number): SimRecord[] => {
    const foreign = rng.chance(foreignPerMin / (foreignPerMin + transitPerMin));
    const trunk = foreign ? FOREIGN_CARRIER_TRUNK : TRANSIT_TRUNK;
    return callRecords({
      callId: ids.nextCallId(), startTs: ts,
      callingNumber: foreign ? foreignNumber(rng, 'FR') : rng.pick(population),
      calledNumber: ukSubscriber(rng), trunk,
      attestation: foreign ? (rng.chance(0.4) ? 'C' : 'NONE') : rng.weighted(transitAttestation),
      outcome: drawOutcome(rng, foreign ? foreignAnswer : transitAnswer, () => humanTalkMs(rng)),
    });
  };
  return activitySource(
    {
      name: 'legit-interconnect', kind: 'legit',
      entities: [TRANSIT_TRUNK, FOREIGN_CARRIER_TRUNK].map((t) => ({ entity_type: 'ingress_trunk' as const, entity: t.id })),
    },
    ctx.window,
    poissonProcess(rng, transitPerMin + foreignPerMin),
    activity,
  );
}
