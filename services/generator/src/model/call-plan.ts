import type { Attestation, CallEvent, SmsEvent } from '@telfraud/core';
import type { CallOutcome } from './call-outcome.js';
import type { Trunk } from './network-plan.js';
import type { Rng } from './prng.js';
import { smsRecord, type IdFactory, type SimRecord } from './sim-record.js';

/** Everything that decides one call; callRecords turns it into the contract's START/ANSWER/END. */
export interface CallPlan {
  callId: string;
  startTs: number;
  callingNumber: string;
  calledNumber: string;
  trunk: Trunk;
  attestation: Attestation;
  outcome: CallOutcome;
}

/** When the call is released (END's event time). */
export function endTs(plan: CallPlan): number {
  const o = plan.outcome;
  return plan.startTs + o.setupMs + (o.answered ? o.talkMs : 0);
}

/**
 * A text to the called party some time after the call ended, uniformly within `[fromMs, toMs]`: the
 * bank's OTP after a hooked victim's call, a reminder to a patient who did not answer.
 */
export function smsAfterCall(
  ids: IdFactory, rng: Rng, plan: CallPlan, [fromMs, toMs]: readonly [number, number], sender: string, category: SmsEvent['category'],
): SimRecord {
  return smsRecord(ids, endTs(plan) + Math.round(rng.uniform(fromMs, toMs)), sender, plan.calledNumber, category);
}

export function callRecords(plan: CallPlan): SimRecord[] {
  const base = {
    call_id: plan.callId,
    calling_number: plan.callingNumber,
    called_number: plan.calledNumber,
    ingress_trunk: plan.trunk.id,
    ingress_country: plan.trunk.country,
    attestation: plan.attestation,
  };
  // Fields in contract order so the JSON lines read like the contract's table.
  const event = (suffix: string, type: CallEvent['type'], ts: number, duration: number | null, sip: number | null): SimRecord => ({
    topic: 'call-events',
    event: {
      event_id: `${plan.callId}-${suffix}`,
      call_id: base.call_id,
      type,
      ts,
      calling_number: base.calling_number,
      called_number: base.called_number,
      ingress_trunk: base.ingress_trunk,
      ingress_country: base.ingress_country,
      attestation: base.attestation,
      duration_ms: duration,
      sip_code: sip,
    },
  });
  const o = plan.outcome;
  const start = event('S', 'START', plan.startTs, null, null);
  if (!o.answered) return [start, event('E', 'END', plan.startTs + o.setupMs, 0, o.sipCode)];
  const answerTs = plan.startTs + o.setupMs;
  return [start, event('A', 'ANSWER', answerTs, null, null), event('E', 'END', answerTs + o.talkMs, o.talkMs, 200)];
}
