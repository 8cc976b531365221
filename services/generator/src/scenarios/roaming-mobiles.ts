import { drawOutcome, humanTalkMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { ukMobile, ukSubscriber } from '../model/numbering.js';
import { internationalGateway } from '../model/network-plan.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * Home subscribers on holiday or business abroad calling home: UK mobile numbers arriving on foreign
 * gateways without attestation, exactly what the "home CLI from abroad" rule looks for, except that
 * +447 is the roaming prefix and these are real people behaving normally.
 */
const ROAMERS = 60;
const CALLS_PER_ROAMER_HOUR = 4;
const VISITED: readonly (readonly [string, number])[] = [['ES', 35], ['FR', 25], ['IT', 15], ['DE', 10], ['US', 15]];

interface Roamer {
  number: string;
  country: string;
}

export function createRoamingMobiles(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const count = Math.max(1, Math.round(ROAMERS * ctx.intensity));
  const roamers: Roamer[] = Array.from({ length: count }, () => ({ number: ukMobile(rng), country: rng.weighted(VISITED) }));
  const activity = (ts: number): SimRecord[] => {
    const roamer = rng.pick(roamers);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: roamer.number, calledNumber: ukSubscriber(rng),
      trunk: internationalGateway(roamer.country), attestation: rng.chance(0.5) ? 'C' : 'NONE',
      outcome: drawOutcome(rng, 0.7, () => humanTalkMs(rng, 120_000)),
    });
  };
  return activitySource(
    {
      name: 'roaming-mobiles',
      kind: 'legit',
      entities: roamers.map((r) => ({ entity_type: 'calling_number' as const, entity: r.number })),
    },
    ctx.window,
    poissonProcess(rng, (count * CALLS_PER_ROAMER_HOUR) / 60),
    activity,
  );
}
