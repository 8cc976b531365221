// Times are shown in UTC, as the pipeline stores them (ms since the epoch).

const pad = (n) => String(n).padStart(2, '0');

/** ms since the epoch (or an ISO string) as `YYYY-MM-DD HH:MM:SS` UTC. */
export function utc(value) {
  const ms = typeof value === 'string' && !/^\d+$/.test(value) ? Date.parse(value) : Number(value);
  if (value === null || value === undefined || !Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function utcTime(ms) {
  if (!ms) return '—';
  const d = new Date(Number(ms));
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `YYYY-MM-DDTHH:MM` for a datetime-local input read as UTC, or ''. */
export function toUtcInput(ms) {
  if (!ms) return '';
  return new Date(Number(ms)).toISOString().slice(0, 16);
}

export function fromUtcInput(value) {
  if (!value) return undefined;
  const ms = Date.parse(`${value}:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

export function duration(ms) {
  const s = Math.round(Number(ms) / 1000);
  if (!Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${pad(s % 60)} s` : `${s} s`;
}

export function number(v) {
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v ?? '—');
  return Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 });
}

export const VERDICT_LABEL = { true_positive: 'true positive', false_positive: 'false positive', benign: 'benign' };

export function verdictLabel(v) {
  return v ? VERDICT_LABEL[v] ?? v : '';
}
