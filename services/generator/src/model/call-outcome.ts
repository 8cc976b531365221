import { clamp, type Rng } from './prng.js';

/**
 * How a call ends, drawn before its events are written. Set-up time depends on why a call fails:
 * busy comes back at once, a caller gives up after ringing a while, no-answer times out.
 */
export type CallOutcome =
  | { answered: true; setupMs: number; talkMs: number }
  | { answered: false; setupMs: number; sipCode: number };

/** [SIP final code, weight] for unanswered calls. */
export type FailureMix = readonly (readonly [number, number])[];

/** People calling people: cancelled while ringing, no answer, busy, declined. */
export const HUMAN_FAILURES: FailureMix = [[487, 40], [480, 28], [486, 22], [603, 10]];

/** Dialling random numbers: many ranges are unallocated (404) or switched off (480). */
export const RANDOM_DIAL_FAILURES: FailureMix = [[487, 30], [480, 25], [404, 20], [486, 15], [603, 10]];

/** Robocall runs give up on no answer after a fixed ring; busy lines fail at once. */
export const ROBOCALL_FAILURES: FailureMix = [[480, 60], [486, 25], [487, 15]];

function setupFor(rng: Rng, sipCode: number): number {
  switch (sipCode) {
    case 404: return rng.uniform(300, 1500);
    case 486: return rng.uniform(500, 3000);
    case 487: return clamp(rng.logNormal(12_000, 0.5), 3_000, 40_000);
    case 480: return rng.uniform(15_000, 45_000);
    case 603: return rng.uniform(3_000, 20_000);
    default: return rng.uniform(1_000, 10_000);
  }
}

export function failedCall(rng: Rng, mix: FailureMix = HUMAN_FAILURES): CallOutcome {
  const sipCode = rng.weighted(mix);
  return { answered: false, setupMs: Math.round(setupFor(rng, sipCode)), sipCode };
}

export function answeredCall(rng: Rng, talkMs: number): CallOutcome {
  const ring = clamp(rng.logNormal(6_000, 0.5), 1_000, 30_000);
  return { answered: true, setupMs: Math.round(ring), talkMs: Math.max(1_000, Math.round(talkMs)) };
}

/** Answered with probability answerRate, talking for talk(); otherwise a failure from the mix. */
export function drawOutcome(rng: Rng, answerRate: number, talk: () => number, mix: FailureMix = HUMAN_FAILURES): CallOutcome {
  return rng.chance(answerRate) ? answeredCall(rng, talk()) : failedCall(rng, mix);
}

/** The fraud calls' shape: what betrays them is how long the few answered ones last. */
export interface FraudTalk {
  /** Of answered calls, the share where the victim stays on the line past a minute. */
  hookedShare: number;
  /** How much longer than a minute a hooked victim stays. */
  hookedExtraMs: () => number;
  /** How long the others stay before hanging up (under a minute). */
  shortMs: () => number;
}

/** A talk-time draw: log-normal around `medianMs`, clamped to [minMs, maxMs]. */
export function logNormalMs(rng: Rng, medianMs: number, sigma: number, minMs = 0, maxMs = Number.POSITIVE_INFINITY): () => number {
  return () => clamp(rng.logNormal(medianMs, sigma), minMs, maxMs);
}

/** A fraud call's outcome: `drawOutcome` whose talk is a hooked victim's or a quick hang-up's. */
export function fraudOutcome(rng: Rng, answerRate: number, talk: FraudTalk, mix: FailureMix = HUMAN_FAILURES): CallOutcome {
  return drawOutcome(rng, answerRate, () => (rng.chance(talk.hookedShare) ? 61_000 + talk.hookedExtraMs() : talk.shortMs()), mix);
}

/** Ordinary conversation: log-normal around two minutes, rarely over an hour. */
export function humanTalkMs(rng: Rng, medianMs = 100_000, sigma = 0.9): number {
  return clamp(rng.logNormal(medianMs, sigma), 2_000, 2 * 3_600_000);
}
