import { csvDocument } from './csv.js';

/** A closed alert's verdict, as the replay's `--labels` reads it (services/detector/src/replay/label-file.ts). */
export interface VerdictLabel {
  entity_type: string;
  entity: string;
  verdict: string;
  rule_id: string;
  alert_id: string;
  closed_at: number;
  closed_by: string;
}

export const VERDICT_CSV_HEADER = ['entity_type', 'entity', 'verdict', 'rule_id', 'alert_id', 'closed_at', 'closed_by'] as const;

/**
 * The label reader takes a CSV record per line (no line break inside quotes), so a label whose
 * text holds CR or LF cannot be written to CSV: such labels are left out and counted (NDJSON
 * carries them).
 */
export function verdictsCsv(labels: readonly VerdictLabel[]): { text: string; rows: number; skipped: number } {
  const fit = labels.filter((l) => !VERDICT_CSV_HEADER.some((k) => /[\r\n]/.test(String(l[k]))));
  const rows = fit.map((l) => [l.entity_type, l.entity, l.verdict, l.rule_id, l.alert_id, new Date(l.closed_at).toISOString(), l.closed_by]);
  return { text: csvDocument(VERDICT_CSV_HEADER, rows), rows: fit.length, skipped: labels.length - fit.length };
}

export function verdictsNdjson(labels: readonly VerdictLabel[]): string {
  return labels.map((l) => `${JSON.stringify(l)}\n`).join('');
}
