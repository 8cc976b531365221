import type { OutcomeCounts } from './replay-run.js';

/**
 * Engine outcomes that are not a rejection by event time: the record was used, was a copy of one
 * that was, or was deliberately ignored. Every other outcome (`late`, `future`) means a record was dropped because of its timestamp, and counts
 * against --max-late-share.
 */
const NOT_EVENT_TIME = new Set(['accepted', 'duplicate', 'allowlisted']);

/** What the summary says for a reason code; unknown codes are shown as they are. */
const REASON_TEXT: Record<string, string> = {
  late: 'late (older than the watermark minus the allowed lateness)',
  future: 'too far ahead (FUTURE_EVENT: beyond the rule pack\'s maxEventTimeJump and contradicted by later records)',
};

export interface EventTimeRejections {
  /** Reason code → records, sorted by code. */
  byReason: [string, number][];
  total: number;
  /** total / records read (0 when nothing was read). */
  share: number;
}

export function eventTimeRejections(outcomes: OutcomeCounts, recordsRead: number): EventTimeRejections {
  const byReason = Object.entries(outcomes).filter(([code, n]) => !NOT_EVENT_TIME.has(code) && n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = byReason.reduce((sum, [, n]) => sum + n, 0);
  return { byReason, total, share: recordsRead > 0 ? total / recordsRead : 0 };
}

export const describeReason = (code: string): string => REASON_TEXT[code] ?? code;

const pct = (share: number): string => `${(share * 100).toFixed(2)} %`;

/** The block printed when too many records were dropped: meant to be impossible to miss. */
export function formatRejectionWarning(r: EventTimeRejections, recordsRead: number, maxShare: number): string {
  const bar = '!'.repeat(78);
  return [
    bar,
    `WARNING: ${r.total} of ${recordsRead} records (${pct(r.share)}) were dropped by event time, more than`,
    `--max-late-share ${maxShare} (${pct(maxShare)}) allows. The alerts and victims written leave them out:`,
    ...r.byReason.map(([code, n]) => `  ${describeReason(code)}: ${n}`),
    'Sort the input by event time, or raise the rule pack\'s allowed lateness; exit status 3.',
    bar,
  ].join('\n');
}
