import { SocApiError, badParameter, jsonBody } from '../api/api-error.js';
import { TRIAGE_ACTIONS, VERDICTS, type Triage, type TriageAction, type Verdict } from '../store/alert-rows.js';

export const MAX_COMMENT = 4_000;
export const MAX_ASSIGNEE = 64;

/** A triage request's body, validated. */
export interface TriageRequest {
  action: TriageAction;
  assignee: string | undefined;
  verdict: Verdict | undefined;
  comment: string | undefined;
}

export const OPEN_TRIAGE: Triage = { status: 'open', assignee: null, verdict: null, comment: null, ts: null, actor: null };

/** Parses `{ action, assignee?, verdict?, comment? }`; 400 naming the field at fault. */
export function parseTriageRequest(body: Buffer): TriageRequest {
  const v = jsonBody(body, 'a JSON object { action, assignee?, verdict?, comment? }');
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SocApiError(400, 'body must be a JSON object { action, assignee?, verdict?, comment? }', { parameter: 'body' });
  const o = v as Record<string, unknown>;
  const action = o['action'];
  if (typeof action !== 'string' || !(TRIAGE_ACTIONS as readonly string[]).includes(action)) throw badParameter('action', `one of ${TRIAGE_ACTIONS.join(', ')}`);
  const text = (field: string, max: number): string | undefined => {
    const x = o[field];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string' || x.length > max) throw badParameter(field, `a string of at most ${max} characters`);
    return x;
  };
  const assignee = text('assignee', MAX_ASSIGNEE)?.trim();
  const comment = text('comment', MAX_COMMENT);
  const verdict = text('verdict', 32);
  if (verdict !== undefined && !(VERDICTS as readonly string[]).includes(verdict)) throw badParameter('verdict', `one of ${VERDICTS.join(', ')}`);
  if (action === 'close' && verdict === undefined) throw badParameter('verdict', `one of ${VERDICTS.join(', ')} (close needs a verdict)`);
  if (action !== 'close' && verdict !== undefined) throw badParameter('verdict', 'only with action close');
  if (action === 'assign' && assignee === undefined) throw badParameter('assignee', 'a name to assign to (an empty string unassigns)');
  if (action === 'comment' && (comment === undefined || comment.trim() === '')) throw badParameter('comment', 'a non-empty comment');
  return { action: action as TriageAction, assignee, verdict: verdict as Verdict | undefined, comment };
}

/**
 * The state after an action: acknowledge and assign keep the alert out of the open queue, close
 * records the verdict, reopen clears it, comment changes nothing but the comment. Every row of
 * alert_triage carries the whole state, so the latest row alone tells the state.
 */
export function applyTriage(current: Triage, req: TriageRequest, at: number, actor: string): Triage {
  const comment = req.comment !== undefined && req.comment.trim() !== '' ? req.comment : null;
  const base = { ts: at, actor, comment };
  const assignee = req.assignee === undefined ? current.assignee : req.assignee === '' ? null : req.assignee;
  switch (req.action) {
    case 'acknowledge':
      return { ...base, status: current.status === 'closed' ? 'closed' : 'acknowledged', assignee, verdict: current.verdict };
    case 'assign':
      return { ...base, status: current.status === 'open' ? 'acknowledged' : current.status, assignee, verdict: current.verdict };
    case 'close':
      return { ...base, status: 'closed', assignee, verdict: req.verdict ?? null };
    case 'reopen':
      return { ...base, status: 'open', assignee, verdict: null };
    case 'comment':
      return { ...base, status: current.status, assignee: current.assignee, verdict: current.verdict };
  }
}
