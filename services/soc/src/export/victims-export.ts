import type { Victim } from '../store/alert-rows.js';
import { csvDocument } from './csv.js';

export const VICTIM_CSV_HEADER = ['victim_number', 'first_exposure', 'last_exposure', 'longest_call_ms', 'calls', 'flagged_origins', 'alert_ids'] as const;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The list a bank or the police needs: times as ISO 8601 UTC, list fields joined with ';'. */
export function victimsCsv(victims: readonly Victim[]): string {
  return csvDocument(VICTIM_CSV_HEADER, victims.map((v) => [
    v.victim_number, iso(v.first_exposure), iso(v.last_exposure), v.longest_call_ms, v.calls, v.flagged_origins.join(';'), v.alert_ids.join(';'),
  ]));
}

/** One JSON object a line, the API's Victim shape (times in ms). */
export function victimsNdjson(victims: readonly Victim[]): string {
  return victims.map((v) => `${JSON.stringify(v)}\n`).join('');
}
