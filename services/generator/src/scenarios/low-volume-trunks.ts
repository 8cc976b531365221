import type { Attestation } from '@telfraud/core';
import { clamp, type Rng } from '../model/prng.js';
import { answeredCall, failedCall, humanTalkMs, type CallOutcome } from '../model/call-outcome.js';
import { callRecords } from '../model/call-plan.js';
import { foreignNumber, FOREIGN_COUNTRIES, ukLandline, ukSubscriber } from '../model/numbering.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import { activitySource, poissonProcess, type LabelEntity, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * Legitimate trunks carrying a few calls a minute, not attested A, with real networks' answer rates:
 * an enterprise PBX signed B (carriers give enterprise PBXs partial attestation), a small foreign
 * carrier's interconnect (C or none) and a small reseller with ordinary customers. 40-60 % answered
 * and 15-30 % of answered calls over within 20 s (voicemail, quick calls), so about 50-70 % of
 * their calls are "short": a 10-minute window holds only 25-80 attempts, and binomial noise alone
 * lifts such a window's short share to a campaign's now and then. Parameters are drawn per seed and
 * per trunk; only their steady long calls tell them from a campaign.
 */
type Kind = 'enterprise-pbx' | 'foreign-carrier' | 'reseller';
const KINDS: readonly Kind[] = ['enterprise-pbx', 'foreign-carrier', 'reseller'];

export interface LowVolumeTrunkPlan {
  kind: Kind;
  trunk: Trunk;
  perMinute: number;
  answerRate: number;
  /** Share of answered calls over within 20 s. */
  briefShare: number;
  /** The caller IDs it presents; empty when every call presents a fresh number. */
  clis: string[];
}

function plan(rng: Rng, kind: Kind, intensity: number): LowVolumeTrunkPlan {
  const common = { perMinute: rng.uniform(2.5, 8) * intensity, answerRate: rng.uniform(0.4, 0.6), briefShare: rng.uniform(0.15, 0.3) };
  switch (kind) {
    case 'enterprise-pbx': {
      // A block of numbers from its provider: from a few shared lines to a DDI per desk.
      const base = ukLandline(rng).slice(0, -3);
      const clis = Array.from({ length: rng.intBetween(2, 40) }, (_, k) => `${base}${String(100 + k * 7).padStart(3, '0')}`);
      return { kind, trunk: { id: `gb-enterprise-pbx-${rng.digits(3)}`, country: HOME_COUNTRY }, clis, ...common };
    }
    case 'foreign-carrier': {
      const country = rng.pick(FOREIGN_COUNTRIES);
      return { kind, trunk: { id: `${country.toLowerCase()}-small-carrier-${rng.digits(3)}`, country }, clis: [], ...common };
    }
    case 'reseller': {
      const clis = Array.from({ length: rng.intBetween(10, 300) }, () => ukSubscriber(rng));
      return { kind, trunk: { id: `gb-small-reseller-${rng.digits(3)}`, country: HOME_COUNTRY }, clis, ...common };
    }
  }
}

function attestationFor(rng: Rng, kind: Kind): Attestation {
  if (kind === 'enterprise-pbx') return 'B';
  if (kind === 'foreign-carrier') return rng.chance(0.5) ? 'C' : 'NONE';
  return rng.weighted([['B', 50], ['C', 35], ['NONE', 15]] as const);
}

function outcomeFor(rng: Rng, p: LowVolumeTrunkPlan): CallOutcome {
  if (!rng.chance(p.answerRate)) return failedCall(rng);
  // Voicemail and quick calls under 20 s; otherwise a conversation of at least 20 s.
  if (rng.chance(p.briefShare)) return answeredCall(rng, clamp(rng.logNormal(9_000, 0.5), 2_000, 19_000));
  return answeredCall(rng, Math.max(20_500, humanTalkMs(rng)));
}

/** Draws the seed's trunks: one of each kind, with its own rate, answer rate and brief-call share. */
export function planLowVolumeTrunks(rng: Rng, intensity = 1): LowVolumeTrunkPlan[] {
  return KINDS.map((kind) => plan(rng, kind, intensity));
}

export function createLowVolumeTrunks(ctx: ScenarioContext): ScenarioSource {
  const { rng, ids } = ctx;
  const trunks = planLowVolumeTrunks(rng.fork('plan'), ctx.intensity);
  const byRate = trunks.map((t) => [t, t.perMinute] as const);
  const activity = (ts: number): SimRecord[] => {
    const t = rng.weighted(byRate);
    return callRecords({
      callId: ids.nextCallId(), startTs: ts,
      callingNumber: t.clis.length > 0 ? rng.pick(t.clis) : foreignNumber(rng, t.trunk.country),
      calledNumber: ukSubscriber(rng), trunk: t.trunk, attestation: attestationFor(rng, t.kind), outcome: outcomeFor(rng, t),
    });
  };
  const entities: LabelEntity[] = trunks.flatMap((t) => [
    { entity_type: 'ingress_trunk' as const, entity: t.trunk.id },
    ...t.clis.map((n) => ({ entity_type: 'calling_number' as const, entity: n })),
  ]);
  return activitySource(
    { name: 'low-volume-trunks', kind: 'legit', entities }, ctx.window,
    poissonProcess(rng, trunks.reduce((s, t) => s + t.perMinute, 0)), activity,
  );
}
