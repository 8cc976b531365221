import { drawOutcome, humanTalkMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { ukMobile, ukSubscriber } from '../model/numbering.js';
import { OWN_CORE_TRUNKS, type Trunk } from '../model/network-plan.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * People who live on the phone (a field sales rep, a recruiter): 60-100 calls an hour to many
 * different numbers from one mobile. Velocity and fan-out alone would flag them; full attestation
 * from the carrier's own core, ordinary answer rates and conversations say otherwise.
 */
const PEOPLE = 3;

interface Person {
  number: string;
  trunk: Trunk;
  perHour: number;
}

export function createHeavyHuman(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const count = Math.max(1, Math.round(PEOPLE * ctx.intensity));
  const people: Person[] = Array.from({ length: count }, () => ({
    number: ukMobile(rng), trunk: rng.pick(OWN_CORE_TRUNKS), perHour: rng.uniform(60, 100),
  }));
  const byRate = people.map((p) => [p, p.perHour] as const);
  const totalPerMin = people.reduce((sum, p) => sum + p.perHour, 0) / 60;
  const activity = (ts: number): SimRecord[] => {
    const person = rng.weighted(byRate);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: person.number, calledNumber: ukSubscriber(rng),
      trunk: person.trunk, attestation: 'A', outcome: drawOutcome(rng, 0.62, () => humanTalkMs(rng, 45_000, 0.9)),
    });
  };
  return activitySource(
    { name: 'heavy-human', kind: 'legit', entities: people.map((p) => ({ entity_type: 'calling_number' as const, entity: p.number })) },
    ctx.window,
    poissonProcess(rng, totalPerMin),
    activity,
  );
}
