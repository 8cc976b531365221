import type { Attestation } from '@telfraud/core';
import type { Rng } from '../model/prng.js';
import { answeredCall, RANDOM_DIAL_FAILURES, fraudOutcome, logNormalMs } from '../model/call-outcome.js';
import { callRecords, smsAfterCall } from '../model/call-plan.js';
import { FOREIGN_COUNTRIES, ukLandline, ukMobile, ukSubscriber } from '../model/numbering.js';
import { BANKS } from '../model/bank-directory.js';
import { HOME_COUNTRY, type Trunk } from '../model/network-plan.js';
import { activitySource, poissonProcess, type LabelEntity, type ScenarioContext, type ScenarioSource } from '../model/scenario-source.js';
import type { SimRecord } from '../model/sim-record.js';

/**
 * A spoofing campaign whose every parameter is drawn per seed from a range, so a rule pack is tested
 * against campaign styles and rates it was not tuned on: 3 to 60 attempts a minute for 10 minutes
 * to 3 hours, an attestation mix (mostly C/none, some B, perhaps a little A), 3-40 % answered
 * (answered calls mostly short, a few hooked victims past a minute), callees chosen at random, from
 * a number range or from a leaked list, caller IDs from a bank's DNO numbers, fresh per call, a
 * small pool, the callee's own neighbourhood or one number, entering on a domestic reseller trunk or
 * a foreign interconnect. A style pins the caller-ID, callee and origin choices; options pin the rest.
 */
export const CAMPAIGN_STYLES = [
  'dno', 'fresh-cli', 'cli-pool', 'neighbour', 'single-cli', 'sequential-range', 'leaked-list', 'foreign-home-cli',
] as const;
export type CampaignStyle = (typeof CAMPAIGN_STYLES)[number];

type CliMode = 'dno' | 'fresh' | 'pool' | 'neighbour' | 'single' | 'fresh-landline';
type CalleeMode = 'random' | 'sequential' | 'leaked';
type Origin = 'domestic' | 'foreign';

export interface AttestationMix {
  A: number;
  B: number;
  C: number;
  NONE: number;
}

export interface CampaignOptions {
  /** Unique within a run: names the campaign's trunk. */
  name: string;
  style?: CampaignStyle;
  /** Attempts per minute (Poisson). */
  perMinute?: number;
  answerRate?: number;
  /** Share of answered calls that hook the callee past a minute. */
  hookedShare?: number;
  attestation?: AttestationMix;
  /** Campaign length from its window's start; the window still caps it. */
  durationMs?: number;
  /** Share of attempts that are long answered calls to the fraudster's own numbers (padding the statistics). */
  selfPadding?: number;
}

/** Everything the seed decided, for reports and tests. */
export interface CampaignPlan {
  style: CampaignStyle;
  cli: CliMode;
  callees: CalleeMode;
  origin: Origin;
  trunk: Trunk;
  perMinute: number;
  answerRate: number;
  hookedShare: number;
  shortTalkMedianMs: number;
  attestation: AttestationMix;
  durationMs: number;
  selfPadding: number;
}

const STYLE_SHAPES: Record<CampaignStyle, { cli: CliMode | 'any'; callees: CalleeMode | 'any'; origin: Origin | 'any' }> = {
  dno: { cli: 'dno', callees: 'random', origin: 'domestic' },
  'fresh-cli': { cli: 'fresh', callees: 'random', origin: 'domestic' },
  'cli-pool': { cli: 'pool', callees: 'random', origin: 'domestic' },
  neighbour: { cli: 'neighbour', callees: 'random', origin: 'domestic' },
  'single-cli': { cli: 'single', callees: 'random', origin: 'domestic' },
  'sequential-range': { cli: 'any', callees: 'sequential', origin: 'domestic' },
  'leaked-list': { cli: 'any', callees: 'leaked', origin: 'domestic' },
  'foreign-home-cli': { cli: 'fresh-landline', callees: 'random', origin: 'foreign' },
};
const NON_DNO_CLIS: readonly CliMode[] = ['fresh', 'pool', 'neighbour', 'single'];
const OTP_SHARE = 0.5;

/** Draws the campaign's parameters from the rng: deterministic for a seed, options win over draws. */
export function planCampaign(rng: Rng, options: CampaignOptions): CampaignPlan {
  const style = options.style ?? rng.pick(CAMPAIGN_STYLES);
  const shape = STYLE_SHAPES[style];
  const cli = shape.cli === 'any' ? rng.pick(NON_DNO_CLIS) : shape.cli;
  const callees = shape.callees === 'any' ? rng.pick(['random', 'sequential', 'leaked'] as const) : shape.callees;
  const origin = shape.origin === 'any' ? (rng.chance(0.6) ? 'domestic' : 'foreign') : shape.origin;
  const country = origin === 'domestic' ? HOME_COUNTRY : rng.pick(FOREIGN_COUNTRIES);
  const trunk: Trunk = { id: origin === 'domestic' ? `gb-reseller-${options.name}` : `${country.toLowerCase()}-transit-${options.name}`, country };
  // Log-uniform: as many slow campaigns as fast ones.
  const perMinute = options.perMinute ?? Math.exp(rng.uniform(Math.log(3), Math.log(60)));
  const answerRate = options.answerRate ?? rng.uniform(0.03, 0.4);
  const hookedShare = options.hookedShare ?? rng.uniform(0.1, 0.3);
  const a = rng.chance(0.5) ? 0 : rng.uniform(0, 0.1);
  const b = rng.uniform(0, 0.3);
  const c = rng.uniform(0.2, 0.8) * (1 - a - b);
  const attestation = options.attestation ?? { A: a, B: b, C: c, NONE: 1 - a - b - c };
  const durationMs = options.durationMs ?? Math.round(Math.exp(rng.uniform(Math.log(10 * 60_000), Math.log(3 * 3_600_000))));
  return {
    style, cli, callees, origin, trunk, perMinute, answerRate, hookedShare,
    shortTalkMedianMs: rng.uniform(5_000, 15_000), attestation, durationMs, selfPadding: options.selfPadding ?? 0,
  };
}

/** Callee pickers: each returns the next number to dial. */
function calleePicker(rng: Rng, mode: CalleeMode, expectedCalls: number): () => string {
  if (mode === 'random') return () => ukSubscriber(rng);
  if (mode === 'sequential') {
    // Working up through a number range from a random point, now and then skipping a few numbers.
    const first = ukSubscriber(rng);
    const head = first.slice(0, -6);
    let n = Number(first.slice(-6));
    return () => {
      n = (n + 1 + (rng.chance(0.2) ? rng.int(3) : 0)) % 1_000_000;
      return `${head}${String(n).padStart(6, '0')}`;
    };
  }
  // A leaked customer list: distinct numbers, dialled in the list's (random) order, then again.
  const list = Array.from({ length: Math.max(200, Math.ceil(expectedCalls)) }, () => ukSubscriber(rng));
  let i = 0;
  return () => list[i++ % list.length]!;
}

function cliPicker(rng: Rng, mode: CliMode): { next: (callee: string) => string; labelled: string[] } {
  switch (mode) {
    case 'dno': {
      const bank = rng.pick(BANKS);
      return { next: () => rng.pick(bank.dnoNumbers), labelled: [...bank.dnoNumbers] };
    }
    case 'fresh': return { next: () => ukSubscriber(rng), labelled: [] };
    case 'fresh-landline': return { next: () => ukLandline(rng), labelled: [] };
    case 'pool': {
      const pool = Array.from({ length: rng.intBetween(3, 8) }, () => ukSubscriber(rng));
      return { next: () => rng.pick(pool), labelled: pool };
    }
    case 'single': {
      const one = rng.chance(0.5) ? ukMobile(rng) : ukLandline(rng);
      return { next: () => one, labelled: [one] };
    }
    case 'neighbour':
      return {
        next: (callee) => {
          for (;;) {
            const n = `${callee.slice(0, -4)}${rng.digits(4)}`;
            if (n !== callee) return n;
          }
        },
        labelled: [],
      };
  }
}

function drawAttestation(rng: Rng, mix: AttestationMix): Attestation {
  return rng.weighted([['A', mix.A], ['B', mix.B], ['C', mix.C], ['NONE', mix.NONE]] as const);
}

export function createCampaign(ctx: ScenarioContext, options: CampaignOptions): ScenarioSource {
  const { rng, ids } = ctx;
  const plan = planCampaign(rng.fork('plan'), options);
  const window = { start: ctx.window.start, end: Math.min(ctx.window.end, ctx.window.start + plan.durationMs) };
  const rate = plan.perMinute * ctx.intensity;
  const minutes = Number.isFinite(window.end) ? (window.end - window.start) / 60_000 : 180;
  const nextCallee = calleePicker(rng, plan.callees, rate * minutes * 1.2);
  const cli = cliPicker(rng, plan.cli);
  const mules = [ukMobile(rng), ukMobile(rng)];
  const bank = rng.pick(BANKS);

  const talk = {
    hookedShare: plan.hookedShare, hookedExtraMs: logNormalMs(rng, 240_000, 0.7, 0, 45 * 60_000),
    shortMs: logNormalMs(rng, plan.shortTalkMedianMs, 0.6, 1_500, 58_000),
  };

  const activity = (ts: number): SimRecord[] => {
    if (plan.selfPadding > 0 && rng.chance(plan.selfPadding)) {
      // A long answered call to the fraudster's own phone: lifts the answer rate and mean talk time.
      return callRecords({
        callId: ids.nextCallId(), startTs: ts, callingNumber: cli.next(mules[0]!), calledNumber: rng.pick(mules), trunk: plan.trunk,
        attestation: drawAttestation(rng, plan.attestation), outcome: answeredCall(rng, rng.uniform(3 * 60_000, 10 * 60_000)),
      });
    }
    const callee = nextCallee();
    const outcome = fraudOutcome(rng, plan.answerRate, talk, RANDOM_DIAL_FAILURES);
    const call = {
      callId: ids.nextCallId(), startTs: ts, callingNumber: cli.next(callee), calledNumber: callee, trunk: plan.trunk,
      attestation: drawAttestation(rng, plan.attestation), outcome,
    };
    const records = callRecords(call);
    if (outcome.answered && outcome.talkMs > 60_000 && rng.chance(OTP_SHARE)) {
      records.push(smsAfterCall(ids, rng, call, [60_000, 300_000], bank.smsSender, 'OTP'));
    }
    return records;
  };

  const entities: LabelEntity[] = [
    { entity_type: 'ingress_trunk', entity: plan.trunk.id },
    ...cli.labelled.map((n) => ({ entity_type: 'calling_number' as const, entity: n })),
  ];
  return activitySource({ name: options.name, kind: 'fraud', entities }, window, poissonProcess(rng, rate), activity);
}
