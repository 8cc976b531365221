import type { Rng } from './prng.js';
import { PipelineError } from '@telfraud/core';

/**
 * E.164 number makers for the UK numbering plan and the foreign countries the simulator talks to.
 *
 * Fixed, named numbers (banks, the pharmacy) come from Ofcom's drama ranges (bank-directory.ts), which
 * are never allocated to real subscribers; the random makers here skip those ranges, so a random
 * subscriber can never collide with a bank's Do-Not-Originate number.
 */

const DRAMA = [/^\+447700900/, /^\+441\d{2}4960/, /^\+441632960/, /^\+44207946/, /^\+44289649/, /^\+44292018/, /^\+448081570/, /^\+443069990/];

function isDrama(n: string): boolean {
  return DRAMA.some((re) => re.test(n));
}

function redrawDrama(make: () => string): string {
  for (;;) {
    const n = make();
    if (!isDrama(n)) return n;
  }
}

/** A UK mobile: +44 7 then nine digits (07xxx xxxxxx); 076 (pagers) excluded. */
export function ukMobile(rng: Rng): string {
  return redrawDrama(() => `+447${rng.pick(MOBILE_SECOND)}${rng.digits(8)}`);
}
const MOBILE_SECOND = ['1', '2', '3', '4', '5', '7', '8', '9'] as const;

/** A UK geographic landline: mostly 01 area codes, some 02 (London, Southampton, Belfast, Cardiff). */
export function ukLandline(rng: Rng): string {
  if (rng.chance(0.2)) return londonLandline(rng);
  return redrawDrama(() => (rng.chance(0.8) ? `+441${rng.digits(9)}` : `+442${rng.pick(AREA_02)}${rng.digits(8)}`));
}
const AREA_02 = ['3', '8', '9'] as const;

/** A London landline, +44 20 then eight digits. */
export function londonLandline(rng: Rng): string {
  return redrawDrama(() => `+4420${rng.pick(['3', '7', '8'] as const)}${rng.digits(7)}`);
}

/** A UK number as ordinary subscribers hold them: 70 % mobiles, 30 % landlines. */
export function ukSubscriber(rng: Rng): string {
  return rng.chance(0.7) ? ukMobile(rng) : ukLandline(rng);
}

interface CountryPlan {
  /** Country calling code with +. */
  code: string;
  /** Leading national digits (one picked) and how many more digits follow. */
  leads: readonly string[];
  rest: number;
}

/** Enough of each plan to look right in a dashboard; not a full numbering database. */
const FOREIGN_PLANS: Record<string, CountryPlan> = {
  DE: { code: '+49', leads: ['151', '160', '170', '176', '30', '89', '40'], rest: 8 },
  FR: { code: '+33', leads: ['6', '7', '1', '4'], rest: 8 },
  ES: { code: '+34', leads: ['6', '7', '91', '93'], rest: 8 },
  IT: { code: '+39', leads: ['3', '06', '02'], rest: 9 },
  IE: { code: '+353', leads: ['85', '86', '87', '1'], rest: 7 },
  PL: { code: '+48', leads: ['5', '6', '7', '22'], rest: 8 },
  NL: { code: '+31', leads: ['6', '20', '10'], rest: 8 },
  US: { code: '+1', leads: ['212', '646', '415', '305', '718'], rest: 7 },
  IN: { code: '+91', leads: ['9', '8', '7'], rest: 9 },
  PK: { code: '+92', leads: ['30', '31', '33'], rest: 8 },
  NG: { code: '+234', leads: ['80', '81', '70', '90'], rest: 8 },
};

export const FOREIGN_COUNTRIES = Object.keys(FOREIGN_PLANS);

/** A number from that country's plan; throws for a country the simulator does not know. */
export function foreignNumber(rng: Rng, country: string): string {
  const plan = FOREIGN_PLANS[country];
  if (!plan) throw new PipelineError('NOT_FOUND', `no numbering plan for country ${country}`);
  return `${plan.code}${rng.pick(plan.leads)}${rng.digits(plan.rest)}`;
}
