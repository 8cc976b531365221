import { parseCsvLine } from '../csv.js';
import { CALL_FIELDS } from '../events.js';
import type { NetworkProfile } from './reference-data.js';
import { PipelineError } from '../pipeline-error.js';

/** A reference file line that cannot be used, with its 1-based line number. */
export class ReferenceDataError extends PipelineError {
  constructor(readonly file: string, readonly line: number, message: string) {
    super('REFERENCE_INVALID', `${file}${line > 0 ? `:${line}` : ''}: ${message}`);
    this.name = 'ReferenceDataError';
  }
}

/** Data rows with their 1-based line numbers (blank and comment lines are skipped, not renumbered). */
function rows(file: string, text: string, header: string[]): { line: number; cells: string[] }[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const head = (parseCsvLine(lines[0] ?? '') ?? []).map((s) => s.toLowerCase());
  if (header.some((h, i) => head[i] !== h)) throw new ReferenceDataError(file, 1, `header must be ${header.join(',')}`);
  const out: { line: number; cells: string[] }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    // Quoted as spreadsheets and our own generator write them: a comma inside quotes is not a separator.
    const cells = parseCsvLine(line);
    if (!cells) throw new ReferenceDataError(file, i + 1, 'unbalanced quotes');
    if (cells.length < header.length) throw new ReferenceDataError(file, i + 1, `expected ${header.length} columns, got ${cells.length}`);
    out.push({ line: i + 1, cells });
  }
  return out;
}

const E164 = /^\+[1-9]\d{5,14}$/;

export function parseDnoCsv(text: string, file = 'dno.csv'): Map<string, string> {
  const out = new Map<string, string>();
  rows(file, text, ['number', 'owner']).forEach(({ line, cells }) => {
    const [number = '', ...owner] = cells;
    if (!E164.test(number)) throw new ReferenceDataError(file, line, `number ${JSON.stringify(number)} is not E.164`);
    // An owner with an unquoted comma reads as more columns: joined back as it was written.
    out.set(number, owner.join(','));
  });
  return out;
}

export function parseAllowlistCsv(text: string, file = 'allowlist.csv'): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  rows(file, text, ['entity_type', 'entity', 'reason']).forEach(({ line, cells }) => {
    const [type = '', entity = ''] = cells;
    if (!(CALL_FIELDS as readonly string[]).includes(type)) throw new ReferenceDataError(file, line, `entity_type ${JSON.stringify(type)} is not a call-event field`);
    if (entity === '') throw new ReferenceDataError(file, line, 'entity is empty');
    const set = out.get(type) ?? new Set<string>();
    set.add(entity);
    out.set(type, set);
  });
  return out;
}

export function parseNetworkJson(text: string, file = 'network.json'): NetworkProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ReferenceDataError(file, 0, `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ReferenceDataError(file, 0, 'must be a JSON object with home_country');
  const obj = raw as Record<string, unknown>;
  const strings = (key: string): string[] => {
    const v = obj[key];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !x.startsWith('+'))) throw new ReferenceDataError(file, 0, `${key} must be an array of "+"-prefixed strings`);
    return v as string[];
  };
  const home = obj['home_country'];
  if (typeof home !== 'string' || !/^[A-Z]{2}$/.test(home)) throw new ReferenceDataError(file, 0, 'home_country must be ISO 3166-1 alpha-2');
  return { homeCountry: home, homePrefixes: strings('home_prefixes'), roamingPrefixes: strings('roaming_prefixes') };
}
