import { html } from '../lib/html.js';
import { verdictLabel } from '../lib/format.js';

export function SeverityBadge({ severity }) {
  return html`<span class=${`sev sev-${String(severity).toLowerCase()}`}>${severity}</span>`;
}

/** Status, verdict and assignee of an alert or a triage state. */
export function StatusBadge({ status, verdict, assignee }) {
  return html`
    <span class="status-cell">
      <span class=${`status status-${status}`} data-status=${status}>${status}</span>
      ${verdict && html` <span class=${`verdict verdict-${verdict}`} data-verdict=${verdict}>${verdictLabel(verdict)}</span>`}
      ${assignee && html` <span class="assignee">→ ${assignee}</span>`}
    </span>`;
}
