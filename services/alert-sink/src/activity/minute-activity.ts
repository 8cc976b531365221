import type { CallEvent } from '@telfraud/core';

/** Call-event fields an origin's activity can be keyed on (string fields naming who or where). */
export const ACTIVITY_FIELDS = ['ingress_trunk', 'calling_number', 'called_number', 'ingress_country', 'attestation'] as const;
export type ActivityField = (typeof ACTIVITY_FIELDS)[number];

export function isActivityField(name: string): name is ActivityField {
  return (ACTIVITY_FIELDS as readonly string[]).includes(name);
}

export const MINUTE_MS = 60_000;

/** One `origin_activity` row: counts of one origin in one minute of event time. */
export interface ActivityRow {
  entity_type: ActivityField;
  entity: string;
  /** ms since the epoch, start of the minute. */
  minute: number;
  attempts: number;
  answered: number;
}

/** The start of the UTC minute holding `ts` (ms); negative times round down too. */
export function minuteOf(ts: number): number {
  return Math.floor(ts / MINUTE_MS) * MINUTE_MS;
}

/**
 * Counts call attempts (START) and answers (ANSWER) per (field, value, minute of event time) for
 * the configured fields, until `take()` hands the counts over and starts afresh. END events count
 * nothing and make no row. Counts are partial: rows with the same key from several takes are
 * summed by the table (SummingMergeTree) and by its readers.
 */
export class MinuteActivity {
  private readonly rows = new Map<string, ActivityRow>();

  constructor(private readonly fields: readonly ActivityField[]) {
    if (fields.length === 0) throw new RangeError('MinuteActivity needs at least one field');
  }

  /** Distinct (field, value, minute) rows held. */
  get size(): number {
    return this.rows.size;
  }

  add(event: Pick<CallEvent, 'type' | 'ts' | ActivityField>): void {
    const attempt = event.type === 'START';
    if (!attempt && event.type !== 'ANSWER') return;
    const minute = minuteOf(event.ts);
    for (const field of this.fields) {
      const entity = event[field];
      // '\u0000' cannot occur in a field name, so the key is unambiguous.
      const key = `${field}\u0000${minute}\u0000${entity}`;
      let row = this.rows.get(key);
      if (!row) {
        row = { entity_type: field, entity, minute, attempts: 0, answered: 0 };
        this.rows.set(key, row);
      }
      if (attempt) row.attempts++;
      else row.answered++;
    }
  }

  /** The counts so far, in insertion order; the aggregator is empty afterwards. */
  take(): ActivityRow[] {
    const out = [...this.rows.values()];
    this.rows.clear();
    return out;
  }
}
