import { clamp } from '../model/prng.js';
import { answeredCall, failedCall, ROBOCALL_FAILURES, type CallOutcome } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { londonLandline, ukSubscriber } from '../model/numbering.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A debt-collection or sales contact centre's predictive dialler: fast, huge fan-out, most calls
 * unanswered or cut short (voicemail, "not interested"), just like a campaign. But it presents a
 * few numbers of its own, and its carrier signs them with full attestation (A): it knows the
 * customer and the numbers are really theirs.
 */
export const CONTACT_CENTRE_TRUNK: Trunk = { id: 'gb-dialler-cc-01', country: HOME_COUNTRY };

export function createContactCentre(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const numbers = Array.from({ length: rng.intBetween(2, 4) }, () => londonLandline(rng));
  const perMin = rng.uniform(30, 80) * ctx.intensity;
  const answerRate = rng.uniform(0.2, 0.4);
  const activity = (ts: number): SimRecord[] => {
    let outcome: CallOutcome;
    if (!rng.chance(answerRate)) outcome = failedCall(rng, ROBOCALL_FAILURES);
    else if (rng.chance(0.5)) outcome = answeredCall(rng, clamp(rng.logNormal(8_000, 0.6), 2_000, 30_000));
    else outcome = answeredCall(rng, clamp(rng.logNormal(150_000, 0.7), 30_000, 30 * 60_000));
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: rng.pick(numbers), calledNumber: ukSubscriber(rng),
      trunk: CONTACT_CENTRE_TRUNK, attestation: 'A', outcome,
    });
  };
  return activitySource(
    {
      name: 'contact-centre', kind: 'legit',
      entities: [
        { entity_type: 'ingress_trunk', entity: CONTACT_CENTRE_TRUNK.id },
        ...numbers.map((n) => ({ entity_type: 'calling_number' as const, entity: n })),
      ],
    },
    ctx.window,
    poissonProcess(rng, perMin),
    activity,
  );
}
