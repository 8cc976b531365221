import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { fromUtcInput, number, toUtcInput, utc } from '../lib/format.js';
import { SeverityBadge, StatusBadge } from './badges.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const STATUSES = ['open', 'acknowledged', 'closed'];
const PAGE_SIZE = 50;

/** Filters as the API takes them, read from the fragment's query (`#/?severity=HIGH,CRITICAL&rule=...`). */
function filtersFrom(query) {
  const list = (key) => (query.get(key) ?? '').split(',').filter(Boolean);
  const ms = (key) => {
    const n = Number(query.get(key));
    return Number.isFinite(n) && n > 0 ? n : undefined;
  };
  return {
    rule: list('rule'), severity: list('severity'), status: list('status'),
    entity: query.get('entity') ?? '', entity_type: query.get('entity_type') ?? '', from: ms('from'), to: ms('to'),
  };
}

function queryOf(filters) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const v = Array.isArray(value) ? value.join(',') : value;
    if (v !== undefined && v !== '') q.set(key, String(v));
  }
  return q.toString();
}

/** Whether a streamed alert belongs in the queue as filtered (the server applies the same filters to pages). */
function matches(filters, a) {
  if (filters.rule.length && !filters.rule.includes(a.rule_id)) return false;
  if (filters.severity.length && !filters.severity.includes(a.severity)) return false;
  if (filters.status.length && !filters.status.includes(a.status)) return false;
  if (filters.entity && a.entity !== filters.entity) return false;
  if (filters.entity_type && a.entity_type !== filters.entity_type) return false;
  if (filters.from && a.ts < filters.from) return false;
  if (filters.to && a.ts > filters.to) return false;
  return true;
}

const newestFirst = (a, b) => b.ts - a.ts || (a.alert_id < b.alert_id ? 1 : a.alert_id > b.alert_id ? -1 : 0);

function FilterForm({ filters, rules }) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [queryOf(filters)]);
  const set = (key, value) => setDraft({ ...draft, [key]: value });
  const toggle = (key, value) => set(key, draft[key].includes(value) ? draft[key].filter((v) => v !== value) : [...draft[key], value]);
  const apply = (e) => {
    e.preventDefault();
    window.location.hash = `#/?${queryOf(draft)}`;
  };
  const reset = () => {
    window.location.hash = '#/';
  };
  return html`
    <form class="filters" onSubmit=${apply} aria-label="Filter alerts">
      <label>Rule
        <select multiple size="3" onChange=${(e) => set('rule', [...e.currentTarget.selectedOptions].map((o) => o.value))}>
          ${rules.map((r) => html`<option value=${r} selected=${draft.rule.includes(r)}>${r}</option>`)}
        </select>
      </label>
      <fieldset>
        <legend>Severity</legend>
        ${SEVERITIES.map((s) => html`<label class="check"><input type="checkbox" checked=${draft.severity.includes(s)} onChange=${() => toggle('severity', s)} /> ${s}</label>`)}
      </fieldset>
      <fieldset>
        <legend>Status</legend>
        ${STATUSES.map((s) => html`<label class="check"><input type="checkbox" checked=${draft.status.includes(s)} onChange=${() => toggle('status', s)} /> ${s}</label>`)}
      </fieldset>
      <label>Entity
        <input type="search" value=${draft.entity} placeholder="trunk or number" onInput=${(e) => set('entity', e.currentTarget.value.trim())} />
      </label>
      <label>From (UTC)
        <input type="datetime-local" value=${toUtcInput(draft.from)} onInput=${(e) => set('from', fromUtcInput(e.currentTarget.value))} />
      </label>
      <label>To (UTC)
        <input type="datetime-local" value=${toUtcInput(draft.to)} onInput=${(e) => set('to', fromUtcInput(e.currentTarget.value))} />
      </label>
      <div class="filter-actions">
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick=${reset}>Clear</button>
      </div>
    </form>`;
}

export function AlertQueue({ api, query, subscribe }) {
  const filters = filtersFrom(query);
  const key = queryOf(filters);
  const [rules, setRules] = useState([]);
  // Keyset pagination: the cursors of the pages before this one, to go back.
  const [cursors, setCursors] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [page, setPage] = useState({ alerts: [], next_cursor: null, loading: true, error: '' });
  const [fresh, setFresh] = useState(new Set());
  const [waiting, setWaiting] = useState(0);

  useEffect(() => {
    api.rules().then((r) => setRules(r.rules ?? []), () => setRules([]));
  }, [api]);

  useEffect(() => {
    setCursors([]);
    setCursor(null);
  }, [key]);

  useEffect(() => {
    let current = true;
    setPage((p) => ({ ...p, loading: true, error: '' }));
    api.alerts({ ...filters, limit: PAGE_SIZE, cursor: cursor ?? undefined }).then(
      (res) => current && (setPage({ alerts: res.alerts ?? [], next_cursor: res.next_cursor ?? null, loading: false, error: '' }), setWaiting(0)),
      (err) => current && setPage((p) => ({ ...p, loading: false, error: err.message })),
    );
    return () => {
      current = false;
    };
  }, [api, key, cursor]);

  const firstPage = cursor === null;
  useEffect(() => subscribe((alert) => {
    setRules((r) => (r.includes(alert.rule_id) ? r : [...r, alert.rule_id].sort()));
    setPage((p) => {
      const at = p.alerts.findIndex((a) => a.alert_id === alert.alert_id);
      if (at >= 0) {
        if (!matches(filters, alert)) return { ...p, alerts: p.alerts.filter((_, i) => i !== at) };
        const alerts = p.alerts.slice();
        alerts[at] = alert;
        return { ...p, alerts };
      }
      if (!matches(filters, alert)) return p;
      if (!firstPage) {
        setWaiting((n) => n + 1);
        return p;
      }
      return { ...p, alerts: [alert, ...p.alerts].sort(newestFirst) };
    });
    setFresh((s) => new Set(s).add(alert.alert_id));
  }), [subscribe, key, firstPage]);

  const older = () => {
    setCursors([...cursors, cursor]);
    setCursor(page.next_cursor);
  };
  const newer = () => {
    setCursor(cursors[cursors.length - 1] ?? null);
    setCursors(cursors.slice(0, -1));
  };
  const newest = () => {
    setCursors([]);
    setCursor(null);
  };

  return html`
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Alert queue</h1>
      <${FilterForm} filters=${filters} rules=${rules} />
      ${waiting > 0 && html`<p class="notice" role="status"><button type="button" class="link" onClick=${newest}>${waiting} new alert${waiting > 1 ? 's' : ''}: show the newest</button></p>`}
      ${page.error && html`<p class="error" role="alert">Could not load alerts: ${page.error}</p>`}
      <table class="alerts" aria-busy=${page.loading ? 'true' : 'false'} data-testid="alert-queue">
        <caption class="visually-hidden">Alerts, newest first</caption>
        <thead>
          <tr><th scope="col">Time (UTC)</th><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Origin</th>
            <th scope="col" class="num">Value / threshold</th><th scope="col" class="num">Victims</th><th scope="col">Status</th></tr>
        </thead>
        <tbody>
          ${page.alerts.map((a) => html`
            <tr key=${a.alert_id} class=${fresh.has(a.alert_id) ? 'fresh' : ''} data-alert-id=${a.alert_id} data-rule=${a.rule_id}>
              <td><time datetime=${new Date(Number(a.ts)).toISOString()}>${utc(a.ts)}</time></td>
              <td><${SeverityBadge} severity=${a.severity} /></td>
              <td><a href=${`#/alerts/${encodeURIComponent(a.alert_id)}`}>${a.rule_id}</a></td>
              <td><span class="etype">${a.entity_type}</span> ${a.entity}</td>
              <td class="num">${number(a.value)} / ${number(a.threshold)}</td>
              <td class="num">${number(a.victims)}</td>
              <td><${StatusBadge} status=${a.status} verdict=${a.verdict} assignee=${a.assignee} /></td>
            </tr>`)}
        </tbody>
      </table>
      ${!page.loading && page.alerts.length === 0 && html`<p class="empty">No alerts match these filters yet. New alerts appear here as they arrive.</p>`}
      <nav class="pager" aria-label="Pages">
        <button type="button" class="secondary" disabled=${firstPage} onClick=${newest}>Newest</button>
        <button type="button" class="secondary" disabled=${firstPage} onClick=${newer}>← Newer</button>
        <button type="button" class="secondary" disabled=${!page.next_cursor} onClick=${older}>Older →</button>
      </nav>
    </section>`;
}
