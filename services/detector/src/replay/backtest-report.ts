import type { Backtest, DelayStats } from './label-backtest.js';
import { printable } from './printable.js';

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const delay = (d: DelayStats | null): string =>
  d === null ? '-' : d.min === d.max ? seconds(d.min) : `${seconds(d.min)} / ${seconds(d.median)} / ${seconds(d.max)}`;
const ratio = (found: number | null, of: number | null): string => (found === null || of === null ? '-' : `${found}/${of}`);

/** The backtest as the CLI prints it: per rule, then per labelled fraud scenario, then what was wrong. */
export function formatBacktest(b: Backtest): string {
  const out: string[] = [];
  const t = b.totals;
  out.push(b.labels === 'scenarios'
    ? `backtest against labelled scenarios: ${t.scenarios_detected}/${t.scenarios_labelled} fraud scenarios detected, ${t.victims_found}/${t.victims_labelled} victims listed, ${t.true_positive_alerts} true and ${t.false_positive_alerts} false alerts`
    : `backtest against analysts' verdicts: ${t.true_positive_alerts} alerts judged true, ${t.false_positive_alerts} false, ${t.unlabelled_alerts} without a verdict`);
  out.push('');
  out.push(table(
    ['rule', 'alerts', 'TP entities', 'FP entities', ...(b.labels === 'verdicts' ? ['no verdict'] : ['scenarios', 'delay (min / median / max)', 'victims'])],
    b.rules.map((r) => [
      r.rule_id, String(r.alerts), String(r.true_positives), String(r.false_positives),
      ...(b.labels === 'verdicts' ? [String(r.unlabelled)] : [String(r.scenarios_detected), delay(r.detection_delay_ms), ratio(r.victims_found, r.victims_labelled)]),
    ]),
  ));
  if (b.labels === 'scenarios') {
    out.push('');
    out.push(table(
      ['fraud scenario', 'detected', 'delay', 'alerts', 'rules', 'victims', 'recall'],
      b.scenarios.map((s) => [
        s.scenario, s.detected ? 'yes' : 'MISSED', s.delay_ms === null ? '-' : seconds(s.delay_ms), String(s.alerts), String(s.rules.length),
        `${s.victims_found}/${s.victims_labelled}`, s.victims_recall === null ? '-' : `${(s.victims_recall * 100).toFixed(0)} %`,
      ]),
    ));
  }
  const list = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    out.push('', `${title} (${items.length}):`, ...items.slice(0, 20).map((i) => `  ${printable(i)}`));
    if (items.length > 20) out.push(`  ... ${items.length - 20} more in backtest.json`);
  };
  list('false-positive entities', b.false_positives.map((f) => `${f.entity_type}=${f.entity}: ${f.alerts} alerts (${f.rules.join(', ')})`));
  list('victims listed that no label accounts for', b.false_victims);
  list('true-positive verdicts this run does not alert on', b.missed_true_positives.map((m) =>
    `${m.entity_type}=${m.entity}${m.rule_id !== undefined ? ` rule ${m.rule_id}` : ''}${m.alert_id !== undefined ? ` alert ${m.alert_id}` : ''}`));
  return out.join('\n');
}
