import { RANDOM_DIAL_FAILURES, fraudOutcome, logNormalMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { ukLandline, ukSubscriber } from '../model/numbering.js';
import type { Trunk } from '../model/network-plan.js';
import { trunkScenarioSource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A domestic reseller trunk that presents a fresh random UK landline on every call, so no caller ID
 * repeats and per-number rules see nothing. The trunk gives it away: high velocity, huge fan-out,
 * almost nobody answers, and those who do hang up within seconds.
 */
export const CLI_ROTATION_TRUNK: Trunk = { id: 'gb-reseller-sip-17', country: 'GB' };
const CALLS_PER_MIN = 90;
const ANSWER_RATE = 0.06;
/** A few answered calls do hook someone. */
const HOOKED_SHARE = 0.1;

export function createCliRotation(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const talk = {
    hookedShare: HOOKED_SHARE,
    hookedExtraMs: logNormalMs(rng, 120_000, 0.6),
    shortMs: logNormalMs(rng, 8_000, 0.6, 1_500, 50_000),
  };
  const activity = (ts: number): SimRecord[] => {
    const outcome = fraudOutcome(rng, ANSWER_RATE, talk, RANDOM_DIAL_FAILURES);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: ukLandline(rng), calledNumber: ukSubscriber(rng),
      trunk: CLI_ROTATION_TRUNK, attestation: rng.chance(0.4) ? 'B' : 'C', outcome,
    });
  };
  return trunkScenarioSource(ctx, { name: 'cli-rotation', kind: 'fraud', trunk: CLI_ROTATION_TRUNK }, CALLS_PER_MIN * ctx.intensity, activity);
}
