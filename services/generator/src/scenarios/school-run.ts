import { answeredCall, failedCall, ROBOCALL_FAILURES } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { ukLandline } from '../model/numbering.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import { activitySource, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A school's "closed today" run: one published landline, attested A, ringing families who mostly
 * live on the same local exchange, so callees sit in the school's own number block (what neighbour
 * spoofing looks like) and are dialled in number order (what range dialling looks like). A short
 * recorded message when answered. A burst of calls every half hour.
 */
export const SCHOOL_TRUNK: Trunk = { id: 'gb-school-notify-01', country: HOME_COUNTRY };
const BURST_EVERY_MS = 30 * 60_000;
const DIAL_GAP_MS = 1_500;

export function createSchoolRun(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const school = ukLandline(rng);
  const block = school.slice(0, -4);
  const perBurst = Math.max(1, Math.round(rng.intBetween(120, 250) * ctx.intensity));
  // Families' numbers: a sorted sample of the school's 10,000-number block.
  const families = [...new Set(Array.from({ length: perBurst * 2 }, () => `${block}${rng.digits(4)}`))].filter((n) => n !== school).sort().slice(0, perBurst);
  let inBurst = 0;
  let burstStart = ctx.window.start;

  const nextStart = (previous: number): number => {
    if (inBurst < families.length) {
      inBurst++;
      return inBurst === 1 ? Math.max(previous + 1, burstStart) : previous + 1 + Math.round(rng.uniform(0.5, 1.5) * DIAL_GAP_MS);
    }
    inBurst = 1;
    burstStart += BURST_EVERY_MS * Math.max(1, Math.ceil((previous - burstStart + 1) / BURST_EVERY_MS));
    return burstStart;
  };

  const activity = (ts: number): SimRecord[] => {
    const callee = families[(inBurst - 1) % families.length]!;
    const outcome = rng.chance(0.7) ? answeredCall(rng, rng.uniform(12_000, 25_000)) : failedCall(rng, ROBOCALL_FAILURES);
    return callRecords({ callId: ids.nextCallId(), startTs: ts, callingNumber: school, calledNumber: callee, trunk: SCHOOL_TRUNK, attestation: 'A', outcome });
  };

  return activitySource(
    {
      name: 'school-run', kind: 'legit',
      entities: [{ entity_type: 'ingress_trunk', entity: SCHOOL_TRUNK.id }, { entity_type: 'calling_number', entity: school }],
    },
    ctx.window,
    nextStart,
    activity,
  );
}
