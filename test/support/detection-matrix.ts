/**
 * The detection matrix: every campaign style at several rates on several seeds, run in-process
 * through one detection engine together with every legitimate look-alike and a background of
 * ordinary subscribers, scored against the generator's labels. Shared by the matrix test (which
 * also checks the README's copy of the table) and `npm run -s detection-matrix`.
 */
import { DEFAULT_RULE_PACK, type RulePack } from '@telfraud/core';
import { CAMPAIGN_STYLES, type CampaignStyle } from '@telfraud/generator';
import { scoreAgainstLabels } from './label-scoring.js';
import { detectOverSimulation } from './simulated-detection.js';

export const MATRIX_STYLES: readonly CampaignStyle[] = CAMPAIGN_STYLES;
/** Attempts per minute; 3/min is reported, not required. */
export const MATRIX_RATES = [3, 5, 15, 60] as const;
export const REQUIRED_FROM_RATE = 5;
export const MATRIX_SEEDS = [1, 2, 3] as const;
export const LOOK_ALIKES = [
  'bank-call-centre', 'notification-run', 'roaming-mobiles', 'heavy-human', 'small-pbx', 'legit-interconnect', 'contact-centre', 'school-run',
  'low-volume-trunks',
] as const;

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;
const HORIZON_MS = 35 * MINUTE;
const CAMPAIGN_START_MS = 5 * MINUTE;
const CAMPAIGN_MS = 25 * MINUTE;
/** Background call events per second: ordinary subscribers and the international gateways' traffic. */
const BACKGROUND_RATE = 15;

/** The deadline a style must meet at a rate: 3 minutes from 15/min up, 10 minutes below. */
export function deadlineMs(rate: number): number {
  return rate >= 15 ? 3 * MINUTE : 10 * MINUTE;
}

export interface CampaignResult {
  style: CampaignStyle;
  rate: number;
  seed: number;
  delayMs: number | undefined;
  rules: string[];
  victimsLabelled: number;
  victimsFound: number;
}

export interface LookAlikeResult {
  scenario: string;
  /** Distinct (rule, entity) pairs alerted on. */
  falsePositives: string[];
}

export interface MatrixRun {
  campaigns: CampaignResult[];
  lookAlikes: LookAlikeResult[];
  /** Listed victims no campaign connected for more than a minute. */
  falseVictims: string[];
}

const campaignName = (style: CampaignStyle, rate: number): string => `${style}-${rate}pm`;

/** One simulation: every style at one rate, every look-alike, the background. */
export function runMatrixSimulation(seed: number, rate: number, pack: RulePack = DEFAULT_RULE_PACK): MatrixRun {
  const { alerts, victims, labels } = detectOverSimulation({
    seed, startTs: START, horizonMs: HORIZON_MS, backgroundRate: BACKGROUND_RATE,
    scenarios: LOOK_ALIKES,
    campaigns: MATRIX_STYLES.map((style) => ({ name: campaignName(style, rate), style, perMinute: rate, startMs: CAMPAIGN_START_MS, durationMs: CAMPAIGN_MS })),
  }, pack);
  const score = scoreAgainstLabels(labels, alerts, victims);
  const campaigns = MATRIX_STYLES.map((style): CampaignResult => {
    const s = score.fraud.find((f) => f.scenario === campaignName(style, rate))!;
    return { style, rate, seed, delayMs: s.detectionDelayMs, rules: s.rules, victimsLabelled: s.victimsLabelled, victimsFound: s.victimsFound };
  });
  const owner = new Map<string, string>();
  for (const l of labels) if (l.kind === 'legit') for (const e of l.entities) owner.set(`${e.entity_type}=${e.entity}`, l.scenario);
  const lookAlikes = [...LOOK_ALIKES, 'background'].map((scenario): LookAlikeResult => ({
    scenario,
    falsePositives: [...new Set(score.falsePositives
      .filter((a) => (owner.get(`${a.entity_type}=${a.entity}`) ?? 'background') === scenario)
      .map((a) => `${a.rule_id} ${a.entity_type}=${a.entity}`))].sort(),
  }));
  return { campaigns, lookAlikes, falseVictims: score.falseVictims };
}

/** Every seed and rate. */
export function runMatrix(pack: RulePack = DEFAULT_RULE_PACK): MatrixRun[] {
  return MATRIX_SEEDS.flatMap((seed) => MATRIX_RATES.map((rate) => runMatrixSimulation(seed, rate, pack)));
}

const minutes = (ms: number): string => `${(ms / MINUTE).toFixed(1)}`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The README's "What it catches" block: detection delay per style and rate, false positives per look-alike. */
export function renderMatrix(runs: MatrixRun[]): string {
  const all = runs.flatMap((r) => r.campaigns);
  const header = `| campaign style | ${MATRIX_RATES.map((r) => `${r}/min`).join(' | ')} | victims listed |`;
  const rule = `|---|${MATRIX_RATES.map(() => '---').join('|')}|---|`;
  const rows = MATRIX_STYLES.map((style) => {
    const cells = MATRIX_RATES.map((rate) => {
      const mine = all.filter((c) => c.style === style && c.rate === rate);
      const delays = mine.map((c) => c.delayMs).filter((d): d is number => d !== undefined);
      const missed = mine.length - delays.length;
      if (delays.length === 0) return `missed (${missed}/${mine.length})`;
      const text = `${minutes(median(delays))} / ${minutes(Math.max(...delays))}`;
      return missed > 0 ? `${text}, missed ${missed}/${mine.length}` : text;
    });
    const mine = all.filter((c) => c.style === style);
    const found = mine.reduce((s, c) => s + c.victimsFound, 0);
    const labelled = mine.reduce((s, c) => s + c.victimsLabelled, 0);
    return `| ${style} | ${cells.join(' | ')} | ${found} of ${labelled} |`;
  });
  const fp = [...LOOK_ALIKES, 'background'].map((scenario) => {
    const entities = new Set(runs.flatMap((r) => r.lookAlikes.find((l) => l.scenario === scenario)!.falsePositives));
    return `| ${scenario} | ${entities.size} |`;
  });
  const falseVictims = new Set(runs.flatMap((r) => r.falseVictims)).size;
  return [
    `Detection delay in minutes from a campaign's first call to its first alert, median / max over seeds ${MATRIX_SEEDS.join(', ')}`,
    `(deadline: 10 min at 5/min, 3 min from 15/min up; 3/min is reported, not required). Each campaign runs ${CAMPAIGN_MS / MINUTE} minutes`,
    'with its other parameters (attestation mix, answer rate 3-40 %, hooked share, talk times; caller IDs for the callee styles) drawn per seed.',
    '',
    header,
    rule,
    ...rows,
    '',
    `False positives per look-alike (distinct alerted entities over all ${runs.length} runs) and false victims:`,
    '',
    '| look-alike | false-positive entities |',
    '|---|---|',
    ...fp,
    `| false victims (any) | ${falseVictims} |`,
  ].join('\n');
}
