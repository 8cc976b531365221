import { drawOutcome, logNormalMs } from '../model/call-outcome.js';
import { callRecords, smsAfterCall } from '../model/call-plan.js';
import { ukSubscriber } from '../model/numbering.js';
import { bankById } from '../model/bank-directory.js';
import type { Trunk } from '../model/network-plan.js';
import { trunkScenarioSource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * The look-alike that matters most: the very bank iSpoof impersonates, calling its customers from its
 * own call centre. Volume as high as a fraud ring's, and OTPs follow some calls (the customer asked to
 * confirm a payment). But it uses the bank's outbound numbers (never the DNO ones), on its own
 * domestic trunk, fully attested, and most calls are answered and long.
 */
export const BANK_CALL_CENTRE_TRUNK: Trunk = { id: 'gb-albion-cc-01', country: 'GB' };
const BANK = bankById('albion');
const CALLS_PER_MIN = 45;
const ANSWER_RATE = 0.78;
const OTP_AFTER_CALL = 0.2;
const A2P_AFTER_CALL = 0.1;

export function createBankCallCentre(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const talkMs = logNormalMs(rng, 240_000, 0.7, 20_000, 60 * 60_000);
  const activity = (ts: number): SimRecord[] => {
    const outcome = drawOutcome(rng, ANSWER_RATE, talkMs);
    const plan = {
      callId: ids.nextCallId(), startTs: ts, callingNumber: rng.pick(BANK.outboundNumbers), calledNumber: ukSubscriber(rng),
      trunk: BANK_CALL_CENTRE_TRUNK, attestation: 'A' as const, outcome,
    };
    const records = callRecords(plan);
    if (outcome.answered) {
      if (rng.chance(OTP_AFTER_CALL)) records.push(smsAfterCall(ids, rng, plan, [30_000, 240_000], BANK.smsSender, 'OTP'));
      else if (rng.chance(A2P_AFTER_CALL)) records.push(smsAfterCall(ids, rng, plan, [60_000, 600_000], BANK.smsSender, 'A2P'));
    }
    return records;
  };
  const scenario = { name: 'bank-call-centre', kind: 'legit', trunk: BANK_CALL_CENTRE_TRUNK, callingNumbers: BANK.outboundNumbers } as const;
  return trunkScenarioSource(ctx, scenario, CALLS_PER_MIN * ctx.intensity, activity);
}
