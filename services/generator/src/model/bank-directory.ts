import { PipelineError } from '@telfraud/core';
/**
 * The banks and agencies of the simulated market. Names are fictional and every number sits in an
 * Ofcom drama range (0808 157 0xxx, 0306 999 0xxx, 020 7946 0xxx, 01xx 496 0xxx), so no real
 * organisation's number is ever labelled as spoofed and no random subscriber can collide with one.
 */
export interface Bank {
  id: string;
  name: string;
  /** Alphanumeric SMS sender ID (at most 11 characters, as SMS allows). */
  smsSender: string;
  /** Inbound-only numbers on the Do-Not-Originate list: a call presenting one is spoofed. */
  dnoNumbers: readonly string[];
  /** Numbers the bank's own call centre really calls out from (not on the DNO list). */
  outboundNumbers: readonly string[];
}

export const BANKS: readonly Bank[] = [
  bank('albion', 'Albion Bank', 'ALBIONBANK', '01', ['+441134960101', '+441134960102']),
  bank('thameside', 'Thameside Bank', 'THAMESIDE', '02', ['+441614960201', '+441614960202']),
  bank('northgate', 'Northgate Building Society', 'NORTHGATE', '03', ['+441414960301']),
  bank('crownmark', 'Crownmark Bank', 'CROWNMARK', '04', ['+441314960401']),
  bank('pennine', 'Pennine Savings', 'PENNINE', '05', ['+441514960501']),
  bank('harbourline', 'Harbourline Bank', 'HARBOURLN', '06', ['+441174960601']),
];

/** DNO numbers of public bodies: on the list too, never used by the campaigns, never by anyone else. */
export const AGENCY_DNO: readonly { number: string; owner: string }[] = [
  { number: '+448081570707', owner: 'National Revenue Office' },
  { number: '+443069990707', owner: 'National Revenue Office' },
  { number: '+443069990808', owner: 'Benefits Agency' },
  { number: '+442079460909', owner: 'Courts Fines Office' },
];

function bank(id: string, name: string, smsSender: string, tag: string, outboundNumbers: string[]): Bank {
  // One freephone, one 03 and one London number per bank, as UK banks publish.
  const dnoNumbers = [`+44808157${tag}${tag}`, `+44306999${tag}${tag}`, `+44207946${tag}${tag}`];
  return { id, name, smsSender, dnoNumbers, outboundNumbers };
}

export function bankById(id: string): Bank {
  const found = BANKS.find((b) => b.id === id);
  if (!found) throw new PipelineError('NOT_FOUND', `unknown bank ${id}`);
  return found;
}

/** Every DNO entry, as dno.csv lists them. */
export function dnoEntries(): { number: string; owner: string }[] {
  return [...BANKS.flatMap((b) => b.dnoNumbers.map((number) => ({ number, owner: b.name }))), ...AGENCY_DNO];
}
