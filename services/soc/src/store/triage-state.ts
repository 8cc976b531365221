import type { Triage, TriageEvent } from './alert-rows.js';

/** The latest event's state (history is in (ts, event_id) order); no event = open. */
export function triageOf(history: readonly TriageEvent[]): Triage {
  const last = history.at(-1);
  if (!last) return { status: 'open', assignee: null, verdict: null, comment: null, ts: null, actor: null };
  return {
    status: last.status === 'acknowledged' || last.status === 'closed' ? last.status : 'open',
    assignee: last.assignee, verdict: last.verdict, comment: last.comment, ts: last.ts, actor: last.actor,
  };
}
