import { RANDOM_DIAL_FAILURES, fraudOutcome, logNormalMs } from '../model/call-outcome.js';
import { callRecords, smsAfterCall } from '../model/call-plan.js';
import { ukMobile } from '../model/numbering.js';
import { BANKS, type Bank } from '../model/bank-directory.js';
import type { Trunk } from '../model/network-plan.js';
import { trunkScenarioSource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * iSpoof-style bank impersonation (the case in domain.md). Several operators share one foreign VoIP
 * wholesale trunk; each one works through random UK mobiles at about 22 calls a minute presenting
 * its target bank's real inbound (DNO) numbers. Few answer; most who do hang up fast, but some stay
 * on the line over a minute (the victims), and for many of those a genuine OTP from the bank arrives
 * a few minutes later: the fraudster is logging in with the details just talked out of them.
 */
export const ISPOOF_TRUNK: Trunk = { id: 'nl-voip-wholesale-03', country: 'NL' };
const OPERATORS = 4;
export const ISPOOF_CALLS_PER_OPERATOR_MIN = 22;
const ANSWER_RATE = 0.22;
/** Of answered calls, the share where the victim stays on the line past a minute. */
const HOOKED_SHARE = 0.45;
/** Of hooked victims, the share whose account the fraudster then tries, triggering an OTP. */
const OTP_SHARE = 0.6;

export function createIspoof(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const operators = Math.max(1, Math.round(OPERATORS * ctx.intensity));
  // Operator i impersonates one of the first four banks, rotating through all its DNO numbers.
  const targets: Bank[] = Array.from({ length: operators }, (_, i) => BANKS[i % 4]!);
  const spoofed = [...new Set(targets.flatMap((b) => b.dnoNumbers))];
  const talk = {
    hookedShare: HOOKED_SHARE,
    hookedExtraMs: logNormalMs(rng, 300_000, 0.7, 0, 45 * 60_000),
    shortMs: logNormalMs(rng, 15_000, 0.7, 2_000, 58_000),
  };

  const activity = (ts: number): SimRecord[] => {
    const bank = rng.pick(targets);
    const outcome = fraudOutcome(rng, ANSWER_RATE, talk, RANDOM_DIAL_FAILURES);
    const plan = {
      callId: ids.nextCallId(), startTs: ts, callingNumber: rng.pick(bank.dnoNumbers), calledNumber: ukMobile(rng),
      trunk: ISPOOF_TRUNK, attestation: rng.chance(0.75) ? ('NONE' as const) : ('C' as const), outcome,
    };
    const records = callRecords(plan);
    if (outcome.answered && outcome.talkMs > 60_000 && rng.chance(OTP_SHARE)) {
      records.push(smsAfterCall(ids, rng, plan, [60_000, 300_000], bank.smsSender, 'OTP'));
    }
    return records;
  };

  const scenario = { name: 'ispoof', kind: 'fraud', trunk: ISPOOF_TRUNK, callingNumbers: spoofed } as const;
  return trunkScenarioSource(ctx, scenario, operators * ISPOOF_CALLS_PER_OPERATOR_MIN, activity);
}
