import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { VERDICT_LABEL } from '../lib/format.js';

/** Acknowledge, assign, close with a verdict and a comment, reopen: each one POST, answered with the new state. */
export function TriageForm({ api, alertId, triage, me, onChanged }) {
  const [assignee, setAssignee] = useState(triage.assignee ?? me.name);
  const [verdict, setVerdict] = useState('');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const send = async (body) => {
    setBusy(true);
    setError('');
    try {
      const state = await api.triage(alertId, { ...body, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      setComment('');
      onChanged(state);
    } catch (err) {
      setError(err.status === 403 ? 'Your role cannot triage alerts (403).' : err.message);
    } finally {
      setBusy(false);
    }
  };
  const close = (e) => {
    e.preventDefault();
    if (!verdict) {
      setError('Choose a verdict to close the alert.');
      return;
    }
    send({ action: 'close', verdict });
  };

  return html`
    <form class="triage" onSubmit=${close} aria-label="Triage" data-testid="triage-form">
      <div class="row">
        <button type="button" disabled=${busy || triage.status !== 'open'} onClick=${() => send({ action: 'acknowledge' })}>Acknowledge</button>
        <label>Assignee <input value=${assignee} onInput=${(e) => setAssignee(e.currentTarget.value)} /></label>
        <button type="button" class="secondary" disabled=${busy || !assignee.trim()} onClick=${() => send({ action: 'assign', assignee: assignee.trim() })}>Assign</button>
        ${triage.status === 'closed' && html`<button type="button" class="secondary" disabled=${busy} onClick=${() => send({ action: 'reopen' })}>Reopen</button>`}
      </div>
      <label class="block">Comment
        <textarea rows="2" value=${comment} onInput=${(e) => setComment(e.currentTarget.value)} placeholder="What you checked, who you told"></textarea>
      </label>
      <div class="row">
        <label>Verdict
          <select value=${verdict} onChange=${(e) => setVerdict(e.currentTarget.value)} name="verdict">
            <option value="">choose…</option>
            ${Object.entries(VERDICT_LABEL).map(([v, label]) => html`<option value=${v}>${label}</option>`)}
          </select>
        </label>
        <button type="submit" disabled=${busy}>Close with verdict</button>
        <button type="button" class="secondary" disabled=${busy || !comment.trim()} onClick=${() => send({ action: 'comment' })}>Add comment</button>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>`;
}
