import { fraudOutcome, logNormalMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { londonLandline, ukSubscriber } from '../model/numbering.js';
import type { Trunk } from '../model/network-plan.js';
import { trunkScenarioSource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A patient caller under every velocity threshold: one London number, a few calls a minute, but
 * arriving from a transit trunk abroad with no attestation. What betrays it is a home-country caller
 * ID entering from abroad (not a roaming mobile prefix), and long calls once someone answers.
 */
export const LOW_AND_SLOW_TRUNK: Trunk = { id: 'in-voip-transit-02', country: 'IN' };
const CALLS_PER_MIN = 3;
const ANSWER_RATE = 0.45;
const HOOKED_SHARE = 0.5;

export function createLowAndSlow(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const presented = londonLandline(rng);
  const talk = {
    hookedShare: HOOKED_SHARE,
    hookedExtraMs: logNormalMs(rng, 420_000, 0.6, 0, 60 * 60_000),
    shortMs: logNormalMs(rng, 20_000, 0.6, 3_000, 58_000),
  };
  const activity = (ts: number): SimRecord[] => {
    const outcome = fraudOutcome(rng, ANSWER_RATE, talk);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: presented, calledNumber: ukSubscriber(rng),
      trunk: LOW_AND_SLOW_TRUNK, attestation: 'NONE', outcome,
    });
  };
  const scenario = { name: 'low-and-slow', kind: 'fraud', trunk: LOW_AND_SLOW_TRUNK, callingNumbers: [presented] } as const;
  return trunkScenarioSource(ctx, scenario, CALLS_PER_MIN * ctx.intensity, activity);
}
