import { useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { can } from '../lib/roles.js';
import { duration, number, utc } from '../lib/format.js';

const SHOWN = 100;

function DownloadButtons({ api, alertId }) {
  const [message, setMessage] = useState('');
  const id = encodeURIComponent(alertId);
  const get = async (path, name) => {
    setMessage('');
    try {
      const file = await api.download(path, name);
      setMessage(`Downloaded ${file} (the export is recorded in the audit log).`);
    } catch (err) {
      setMessage(err.status === 403 ? 'Your role cannot export victims (403).' : `Export failed: ${err.message}`);
    }
  };
  return html`
    <div class="downloads" role="group" aria-label="Export victims">
      <span>This alert:</span>
      <button type="button" class="secondary" data-testid="victims-csv" onClick=${() => get(`/alerts/${id}/victims.csv`, 'victims.csv')}>CSV</button>
      <button type="button" class="secondary" onClick=${() => get(`/alerts/${id}/victims.ndjson`, 'victims.ndjson')}>NDJSON</button>
      <span>Whole campaign:</span>
      <button type="button" class="secondary" data-testid="campaign-csv" onClick=${() => get(`/campaigns/${id}/victims.csv`, 'campaign-victims.csv')}>CSV</button>
      <button type="button" class="secondary" onClick=${() => get(`/campaigns/${id}/victims.ndjson`, 'campaign-victims.ndjson')}>NDJSON</button>
      ${message && html`<p role="status" class="muted">${message}</p>`}
    </div>`;
}

/** The people to warn: callees who stayed more than a minute on a call from a flagged origin. */
export function VictimsSection({ api, me, alert, victims }) {
  return html`
    <section aria-labelledby="victims-title" class="card">
      <h2 id="victims-title">Victims (${victims.length})</h2>
      ${can(me.role, 'analyst')
        ? html`<${DownloadButtons} api=${api} alertId=${alert.alert_id} />`
        : html`<p class="muted">Exports need an analyst token.</p>`}
      ${victims.length === 0
        ? html`<p class="muted" data-testid="victims-empty">No victim yet: nobody stayed more than 60 s on a call from this origin.</p>`
        : html`
          <table class="compact" data-testid="victims">
            <thead><tr><th scope="col">Number</th><th scope="col">First exposure (UTC)</th><th scope="col">Last exposure</th>
              <th scope="col" class="num">Longest call</th><th scope="col" class="num">Calls</th><th scope="col">Flagged origins</th></tr></thead>
            <tbody>${victims.slice(0, SHOWN).map((v) => html`
              <tr key=${v.victim_number} data-victim=${v.victim_number}>
                <td><code>${v.victim_number}</code></td>
                <td>${utc(v.first_exposure)}</td>
                <td>${utc(v.last_exposure)}</td>
                <td class="num">${duration(v.longest_call_ms)}</td>
                <td class="num">${number(v.calls)}</td>
                <td>${v.flagged_origins.join(', ')}</td>
              </tr>`)}</tbody>
          </table>
          ${victims.length > SHOWN && html`<p class="muted">Showing ${SHOWN} of ${victims.length}; the export has them all.</p>`}`}
    </section>`;
}
