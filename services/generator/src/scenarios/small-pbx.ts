import type { Attestation } from '@telfraud/core';
import { drawOutcome, humanTalkMs } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { ukLandline, ukSubscriber } from '../model/numbering.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import type { LabelEntity } from '../model/scenario-source.js';
import { activitySource, poissonProcess, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * Small businesses on SIP trunks: a handful of extensions sharing a few numbers from one block, a
 * steady working-day volume, attested A or B depending on the provider. Several callers on one trunk
 * presenting a few numbers resembles a small fraud operation; the answer rate and durations do not.
 */
const BUSINESSES = ['brightdental', 'hollowayjoinery', 'kestrelaccounts', 'millbrookvets', 'oakleyestates', 'quaylegal', 'riversideauto', 'tandemdesign'];
const PBXS = 5;
const CALLS_PER_EXTENSION_HOUR = 5;

interface Pbx {
  trunk: Trunk;
  numbers: string[];
  attestation: Attestation;
  perMin: number;
}

export function createSmallPbx(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const count = Math.max(1, Math.round(PBXS * ctx.intensity));
  const pbxs: Pbx[] = Array.from({ length: count }, (_, i) => {
    const name = `${BUSINESSES[i % BUSINESSES.length]!}${i >= BUSINESSES.length ? `-${Math.floor(i / BUSINESSES.length)}` : ''}`;
    // A block of consecutive numbers, as a provider assigns them to a business.
    const base = ukLandline(rng).slice(0, -2);
    const numbers = Array.from({ length: rng.intBetween(2, 5) }, (_, k) => `${base}${String(10 + k * 7).padStart(2, '0')}`);
    const extensions = rng.intBetween(6, 15);
    return { trunk: { id: `gb-pbx-${name}`, country: HOME_COUNTRY }, numbers, attestation: rng.chance(0.7) ? 'A' : 'B', perMin: (extensions * CALLS_PER_EXTENSION_HOUR) / 60 };
  });
  const byRate = pbxs.map((p) => [p, p.perMin] as const);
  const activity = (ts: number): SimRecord[] => {
    const pbx = rng.weighted(byRate);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts, callingNumber: rng.pick(pbx.numbers), calledNumber: ukSubscriber(rng),
      trunk: pbx.trunk, attestation: pbx.attestation, outcome: drawOutcome(rng, 0.7, () => humanTalkMs(rng, 150_000, 0.8)),
    });
  };
  const entities: LabelEntity[] = pbxs.flatMap((p) => [
    { entity_type: 'ingress_trunk' as const, entity: p.trunk.id },
    ...p.numbers.map((n) => ({ entity_type: 'calling_number' as const, entity: n })),
  ]);
  return activitySource({ name: 'small-pbx', kind: 'legit', entities }, ctx.window, poissonProcess(rng, pbxs.reduce((s, p) => s + p.perMin, 0)), activity);
}
