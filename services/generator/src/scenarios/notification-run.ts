import { answeredCall, failedCall, ROBOCALL_FAILURES } from '../model/call-outcome.js';
import { callRecords, smsAfterCall } from '../model/call-plan.js';
import { ukSubscriber } from '../model/numbering.js';
import type { Trunk } from '../model/network-plan.js';
import { trunkScenarioSource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A pharmacy's prescription-ready run: every quarter of an hour a dialler rings a batch of distinct
 * patients about once a second (velocity and fan-out like a campaign), plays a 20-40 s recorded
 * message, and texts those it could not reach. Legitimate: its own trunk, full attestation, one
 * published number, short but answered calls, and bursts that stop.
 */
export const NOTIFICATION_TRUNK: Trunk = { id: 'gb-pharmacy-notify-01', country: 'GB' };
/** 0121 496 0xxx: an Ofcom drama range, so this fictional pharmacy's number is never a real one. */
export const NOTIFICATION_NUMBER = '+441214960111';
const BURST_EVERY_MS = 15 * 60_000;
const CALLS_PER_BURST = 120;
const DIAL_GAP_MEAN_MS = 1_000;
const ANSWER_RATE = 0.6;
const SMS_IF_UNREACHED = 0.3;

export function createNotificationRun(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const perBurst = Math.max(1, Math.round(CALLS_PER_BURST * ctx.intensity));
  let inBurst = 0;
  let burstStart = ctx.window.start;
  let dialled = new Set<string>();

  // Dial perBurst calls in quick succession, then wait for the next quarter-hour slot.
  const nextStart = (previous: number): number => {
    if (inBurst < perBurst) {
      inBurst++;
      return Math.max(previous + 1, inBurst === 1 ? burstStart : previous + Math.max(1, Math.round(rng.exponential(DIAL_GAP_MEAN_MS))));
    }
    inBurst = 1;
    dialled = new Set();
    burstStart += BURST_EVERY_MS * Math.max(1, Math.ceil((previous - burstStart + 1) / BURST_EVERY_MS));
    return burstStart;
  };

  const activity = (ts: number): SimRecord[] => {
    let callee = ukSubscriber(rng);
    while (dialled.has(callee)) callee = ukSubscriber(rng);
    dialled.add(callee);
    const outcome = rng.chance(ANSWER_RATE) ? answeredCall(rng, rng.uniform(20_000, 40_000)) : failedCall(rng, ROBOCALL_FAILURES);
    const plan = {
      callId: ids.nextCallId(), startTs: ts, callingNumber: NOTIFICATION_NUMBER, calledNumber: callee,
      trunk: NOTIFICATION_TRUNK, attestation: 'A' as const, outcome,
    };
    const records = callRecords(plan);
    if (!outcome.answered && rng.chance(SMS_IF_UNREACHED)) {
      records.push(smsAfterCall(ids, rng, plan, [5_000, 60_000], 'PHARMACY', 'A2P'));
    }
    return records;
  };

  const scenario = { name: 'notification-run', kind: 'legit', trunk: NOTIFICATION_TRUNK, callingNumbers: [NOTIFICATION_NUMBER] } as const;
  return trunkScenarioSource(ctx, scenario, nextStart, activity);
}
