import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { can } from '../lib/roles.js';
import { number, utc } from '../lib/format.js';
import { ActivityChart } from './activity-chart.js';
import { SeverityBadge, StatusBadge } from './badges.js';
import { TriageForm } from './triage-form.js';
import { VictimsSection } from './victims.js';

// The detail page refreshes itself: victims, escalations and blocks keep arriving after the alert.
const REFRESH_MS = 10_000;

function Summary({ alert }) {
  return html`
    <dl class="summary">
      <div><dt>Severity</dt><dd><${SeverityBadge} severity=${alert.severity} /></dd></div>
      <div><dt>Origin</dt><dd><span class="etype">${alert.entity_type}</span> <strong>${alert.entity}</strong></dd></div>
      <div><dt>Window (UTC)</dt><dd>${utc(alert.window_start)} – ${utc(alert.window_end).slice(11)}</dd></div>
      <div><dt>Alerted</dt><dd>${utc(alert.ts)}</dd></div>
      <div><dt>Value / threshold</dt><dd>${number(alert.value)} / ${number(alert.threshold)}</dd></div>
      <div><dt>Victims</dt><dd>${number(alert.victims)}</dd></div>
      <div class="wide"><dt>Summary</dt><dd>${alert.summary}</dd></div>
    </dl>`;
}

function TriageSection({ api, me, detail, onChanged }) {
  const t = detail.triage;
  return html`
    <section aria-labelledby="triage-title" class="card">
      <h2 id="triage-title">Triage</h2>
      <p data-testid="triage-state"><${StatusBadge} status=${t.status} verdict=${t.verdict} assignee=${t.assignee} />
        ${t.actor && html` <span class="muted">by ${t.actor}, ${utc(t.ts)}</span>`}</p>
      ${t.comment && html`<blockquote>${t.comment}</blockquote>`}
      ${can(me.role, 'analyst')
        ? html`<${TriageForm} key=${`${t.status}-${t.ts}`} api=${api} alertId=${detail.alert.alert_id} triage=${t} me=${me} onChanged=${onChanged} />`
        : html`<p class="muted" data-testid="triage-readonly">Your role (${me.role}) can read alerts; triage needs an analyst token.</p>`}
      ${detail.triage_history.length > 0 && html`
        <details>
          <summary>History (${detail.triage_history.length})</summary>
          <ol class="history">
            ${detail.triage_history.map((h) => html`<li>${utc(h.ts)} · ${h.actor} (${h.role}) · ${h.action}${h.verdict ? ` · ${h.verdict}` : ''}${h.assignee ? ` · → ${h.assignee}` : ''}${h.comment ? `: ${h.comment}` : ''}</li>`)}
          </ol>
        </details>`}
    </section>`;
}

function Escalations({ escalations }) {
  if (escalations.length === 0) return html`<p class="muted">No escalation recorded.</p>`;
  return html`
    <table class="compact">
      <caption>Escalations</caption>
      <thead><tr><th scope="col">#</th><th scope="col">Severity</th><th scope="col">Window end (UTC)</th><th scope="col" class="num">Value</th></tr></thead>
      <tbody>${escalations.map((e, i) => html`<tr key=${e.version} title=${`version ${e.version}, emitted ${utc(e.ts)}`}><td>${i + 1}</td><td><${SeverityBadge} severity=${e.severity} /></td><td>${utc(e.window_end)}</td><td class="num">${number(e.value)}</td></tr>`)}</tbody>
    </table>`;
}

/** The first `shown` items, and a button for the rest: long lists must not push the page away. */
function useShowAll(items, shown) {
  const [all, setAll] = useState(false);
  const visible = all ? items : items.slice(0, shown);
  const toggle = items.length > shown
    ? html`<button type="button" class="link" onClick=${() => setAll(!all)}>${all ? 'Show fewer' : `Show all ${items.length}`}</button>`
    : null;
  return [visible, toggle];
}

function Related({ related }) {
  const [visible, toggle] = useShowAll(related, 6);
  if (related.length === 0) return html`<p class="muted">No related alert in ±24 h.</p>`;
  return html`
    <table class="compact" data-testid="related">
      <caption>Related alerts, same campaign (${related.length})</caption>
      <thead><tr><th scope="col">Time (UTC)</th><th scope="col">Rule and origin</th><th scope="col">Status</th></tr></thead>
      <tbody>${visible.map((a) => html`
        <tr key=${a.alert_id}>
          <td title=${utc(a.ts)}>${utc(a.ts).slice(11)}</td>
          <td><a href=${`#/alerts/${encodeURIComponent(a.alert_id)}`}>${a.rule_id}</a> <${SeverityBadge} severity=${a.severity} />
            <div><span class="etype">${a.entity_type}</span> ${a.entity}</div></td>
          <td><${StatusBadge} status=${a.status} verdict=${a.verdict} /></td>
        </tr>`)}</tbody>
    </table>
    ${toggle}`;
}

function Blocks({ api, me, alert, blocks }) {
  // Newest first: the latest decision (a lift, an expiry) says what holds now.
  const [visible, toggle] = useShowAll([...blocks].sort((a, b) => Number(b.ts) - Number(a.ts)), 5);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const lift = async () => {
    if (!window.confirm(`Lift the block on ${alert.entity_type} ${alert.entity}?`)) return;
    setBusy(true);
    try {
      const res = await api.liftBlock(alert.entity_type, alert.entity);
      setMessage(`Blocker answered: ${res.result ?? res.status ?? 'done'}`);
    } catch (err) {
      setMessage(`Lift refused: ${err.message}`);
    } finally {
      setBusy(false);
    }
  };
  return html`
    <section aria-labelledby="blocks-title" class="card">
      <h2 id="blocks-title">Blocker actions</h2>
      ${blocks.length === 0
        ? html`<p class="muted">The blocker took no action on this alert.</p>`
        : html`
          <table class="compact" data-testid="blocks">
            <caption>Decisions (${blocks.length})</caption>
            <thead><tr><th scope="col">At (UTC)</th><th scope="col">Action</th><th scope="col">Result</th><th scope="col">Expires</th><th scope="col">Deliveries</th></tr></thead>
            <tbody>${visible.map((b) => html`
              <tr key=${b.decision_id}>
                <td title=${utc(b.ts)}>${utc(b.ts).slice(11)}</td>
                <td>${b.action}${b.dry_run ? html` <span class="muted">(dry run)</span>` : ''}</td>
                <td title=${b.reason}>${b.result}</td>
                <td>${utc(b.expires_at)}</td>
                <td>${b.deliveries.length === 0 ? '—' : b.deliveries.map((d) => html`<div>${d.target}: ${d.result || d.status} (${d.attempts}×)</div>`)}</td>
              </tr>`)}</tbody>
          </table>
          ${toggle}`}
      ${can(me.role, 'operator') && html`<p><button type="button" class="danger" disabled=${busy} onClick=${lift}>Lift block on this origin</button></p>`}
      ${message && html`<p role="status">${message}</p>`}
    </section>`;
}

export function AlertDetail({ api, me, alertId, subscribe }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState('');

  const load = () => api.alert(alertId).then((d) => {
    setDetail(d);
    setError('');
  }, (err) => setError(err.status === 404 ? 'No alert with this id.' : err.message));

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [api, alertId]);

  useEffect(() => subscribe((a) => {
    if (a.alert_id === alertId) load();
  }), [subscribe, alertId]);

  if (error && !detail) return html`<p class="error" role="alert">${error} <a href="#/">Back to the queue</a></p>`;
  if (!detail) return html`<p class="loading" role="status">Loading the alert…</p>`;
  const { alert } = detail;
  return html`
    <article class="detail" data-testid="alert-detail" data-alert-id=${alert.alert_id}>
      <p><a href="#/">← Alert queue</a></p>
      <h1>${alert.rule_id} <span class="muted">on</span> ${alert.entity}</h1>
      <div class="detail-grid">
        <div class="col-main">
          <${Summary} alert=${alert} />
          <section aria-labelledby="activity-title" class="card">
            <h2 id="activity-title">Activity of ${alert.entity_type} ${alert.entity}</h2>
            <${ActivityChart} activity=${detail.activity} alert=${alert} />
          </section>
          <${VictimsSection} api=${api} me=${me} alert=${alert} victims=${detail.victims} />
          <section aria-labelledby="evidence-title" class="card">
            <h2 id="evidence-title">Evidence (${alert.evidence.length})</h2>
            <details>
              <summary>Call and message ids the rule saw</summary>
              <ul class="evidence">${alert.evidence.map((id) => html`<li key=${id}><code>${id}</code></li>`)}</ul>
            </details>
          </section>
        </div>
        <div class="col-side">
          <${TriageSection} api=${api} me=${me} detail=${detail} onChanged=${load} />
          <section aria-labelledby="escalation-title" class="card">
            <h2 id="escalation-title">Escalations and campaign</h2>
            <${Escalations} escalations=${detail.escalations} />
            <${Related} related=${detail.related} />
          </section>
          <${Blocks} api=${api} me=${me} alert=${alert} blocks=${detail.blocks} />
        </div>
      </div>
      ${error && html`<p class="error" role="alert">Refresh failed: ${error}</p>`}
    </article>`;
}
