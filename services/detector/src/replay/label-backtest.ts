import type { Alert, VictimExposure } from '@telfraud/core';

/**
 * Scoring a run's alerts and victims against ground truth, with no I/O: the generator's labelled
 * scenarios (services/generator labels.json) or analysts' verdicts on entities and alerts.
 */

export interface LabelledEntity {
  entity_type: string;
  entity: string;
}

/** One scenario of the generator's labels.json, as far as scoring needs it. */
export interface LabelledScenario {
  scenario: string;
  kind: 'fraud' | 'legit';
  entities: LabelledEntity[];
  /** First event of the scenario; null when it delivered nothing. */
  start_ts: number | null;
  /** Fraud only: callees connected for more than 60 s. */
  victims: string[];
}

export const VERDICTS = ['true_positive', 'false_positive', 'benign'] as const;
export type VerdictValue = (typeof VERDICTS)[number];

/** An analyst's verdict: on an entity, narrowed to one rule's alerts or to one alert when given. */
export interface AnalystVerdict extends LabelledEntity {
  verdict: VerdictValue;
  rule_id?: string;
  alert_id?: string;
}

export type BacktestLabels =
  | { kind: 'scenarios'; scenarios: LabelledScenario[] }
  | { kind: 'verdicts'; verdicts: AnalystVerdict[] };

export type AlertVerdict = 'true_positive' | 'false_positive' | 'unlabelled';

export interface AlertJudgement {
  alert: Alert;
  verdict: AlertVerdict;
  /** Indexes (into the labels' scenarios) of the fraud scenarios this alert detects. */
  scenarios: number[];
}

export interface DelayStats {
  min: number;
  median: number;
  max: number;
}

export interface RuleBacktest {
  rule_id: string;
  alerts: number;
  entities: number;
  /** Entities with at least one true-positive alert of this rule. */
  true_positives: number;
  /** Entities whose alerts of this rule are judged false (none true). */
  false_positives: number;
  /** Entities no label or verdict speaks about. */
  unlabelled: number;
  /** Scenario labels only: fraud scenarios this rule alerted on. */
  scenarios_detected: number | null;
  /** Per detected scenario with a start: first alert of this rule minus the scenario's start. */
  detection_delay_ms: DelayStats | null;
  /** Scenario labels only: labelled victims listed through this rule's alerts, of all labelled. */
  victims_found: number | null;
  victims_labelled: number | null;
}

export interface ScenarioBacktest {
  scenario: string;
  detected: boolean;
  first_alert_ts: number | null;
  delay_ms: number | null;
  alerts: number;
  rules: string[];
  victims_labelled: number;
  victims_found: number;
  /** victims_found / victims_labelled; null when none are labelled. */
  victims_recall: number | null;
}

export interface EntityFinding extends LabelledEntity {
  rules: string[];
  alerts: number;
}

export interface Backtest {
  labels: 'scenarios' | 'verdicts';
  totals: {
    alerts: number;
    true_positive_alerts: number;
    false_positive_alerts: number;
    unlabelled_alerts: number;
    scenarios_labelled: number | null;
    scenarios_detected: number | null;
    victims_labelled: number | null;
    victims_found: number | null;
  };
  rules: RuleBacktest[];
  /** Scenario labels: one row per fraud scenario. */
  scenarios: ScenarioBacktest[];
  false_positives: EntityFinding[];
  /** Victims listed that no fraud scenario (or, with verdicts, only false-positive alerts) account for. */
  false_victims: string[];
  /** Verdicts only: true-positive verdicts that no alert of this run matches. */
  missed_true_positives: (LabelledEntity & { rule_id?: string; alert_id?: string })[];
}

const key = (type: string, entity: string): string => `${type}\u0000${entity}`;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Judges each alert: which fraud scenarios it detects, or what the most specific verdict says. */
export function judgeAlerts(labels: BacktestLabels, alerts: readonly Alert[]): AlertJudgement[] {
  if (labels.kind === 'scenarios') {
    const byEntity = new Map<string, number[]>();
    const byVictim = new Map<string, number[]>();
    const add = (m: Map<string, number[]>, k: string, i: number): void => {
      const list = m.get(k);
      if (!list) m.set(k, [i]);
      else if (!list.includes(i)) list.push(i);
    };
    labels.scenarios.forEach((s, i) => {
      if (s.kind !== 'fraud') return;
      for (const e of s.entities) add(byEntity, key(e.entity_type, e.entity), i);
      for (const v of s.victims) add(byVictim, v, i);
    });
    return alerts.map((alert) => {
      // An alert on a victim's number (OTP takeover) belongs to the scenario that victimised it.
      const scenarios = byEntity.get(key(alert.entity_type, alert.entity)) ?? (alert.entity_type === 'called_number' ? byVictim.get(alert.entity) : undefined) ?? [];
      return { alert, verdict: scenarios.length > 0 ? 'true_positive' : 'false_positive', scenarios };
    });
  }
  const byAlert = new Map<string, VerdictValue>();
  const byRule = new Map<string, VerdictValue>();
  const byEntity = new Map<string, VerdictValue>();
  for (const v of labels.verdicts) {
    if (v.alert_id !== undefined) byAlert.set(v.alert_id, v.verdict);
    else if (v.rule_id !== undefined) byRule.set(`${key(v.entity_type, v.entity)}\u0000${v.rule_id}`, v.verdict);
    else byEntity.set(key(v.entity_type, v.entity), v.verdict);
  }
  return alerts.map((alert) => {
    const k = key(alert.entity_type, alert.entity);
    const v = byAlert.get(alert.alert_id) ?? byRule.get(`${k}\u0000${alert.rule_id}`) ?? byEntity.get(k);
    return { alert, verdict: v === undefined ? 'unlabelled' : v === 'true_positive' ? 'true_positive' : 'false_positive', scenarios: [] };
  });
}

function delayStats(delays: number[]): DelayStats | null {
  if (delays.length === 0) return null;
  const sorted = [...delays].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]!, max: sorted[sorted.length - 1]! };
}

/**
 * The backtest of one run. `ruleIds` lists the pack's rules, so a rule that never fired still has
 * a row; alerts are each alert's final state with `ts` its first firing. Deterministic: the same
 * input gives the same rows in the same order.
 */
export function backtestAgainstLabels(
  labels: BacktestLabels, alerts: readonly Alert[], victims: readonly VictimExposure[],
  ruleIds: readonly string[],
): Backtest {
  const judged = judgeAlerts(labels, alerts);
  const scenarioMode = labels.kind === 'scenarios';
  const scenarios = scenarioMode ? labels.scenarios : [];
  const judgementById = new Map(judged.map((j) => [j.alert.alert_id, j] as const));
  const fraudIdx = scenarios.flatMap((s, i) => (s.kind === 'fraud' ? [i] : []));
  const labelledVictims = new Set(fraudIdx.flatMap((i) => scenarios[i]!.victims));
  const entityScenario = new Map<string, number[]>();
  for (const i of fraudIdx) for (const e of scenarios[i]!.entities) {
    const k = key(e.entity_type, e.entity);
    entityScenario.set(k, [...(entityScenario.get(k) ?? []), i]);
  }

  // A victim counts for a scenario when the exposure's origin is one of its entities or its alert detects it.
  const victimsOf = new Map<number, Set<string>>();
  const victimsOfRule = new Map<string, Set<string>>();
  const falseVictims = new Set<string>();
  const trueVictims = new Set<string>();
  for (const v of victims) {
    const j = judgementById.get(v.alert_id);
    const hit = new Set([...(entityScenario.get(key(v.entity_type, v.entity)) ?? []), ...(j?.scenarios ?? [])]);
    for (const i of hit) if (scenarios[i]!.victims.includes(v.victim_number)) {
      let set = victimsOf.get(i);
      if (!set) victimsOf.set(i, (set = new Set()));
      set.add(v.victim_number);
    }
    if (scenarioMode) {
      if (!labelledVictims.has(v.victim_number)) falseVictims.add(v.victim_number);
      else if (j) {
        let set = victimsOfRule.get(j.alert.rule_id);
        if (!set) victimsOfRule.set(j.alert.rule_id, (set = new Set()));
        set.add(v.victim_number);
      }
    } else if (j?.verdict === 'false_positive') falseVictims.add(v.victim_number);
    else trueVictims.add(v.victim_number);
  }
  for (const t of trueVictims) falseVictims.delete(t);

  const rows = new Map<string, AlertJudgement[]>();
  for (const id of ruleIds) rows.set(id, []);
  for (const j of judged) {
    const list = rows.get(j.alert.rule_id);
    if (list) list.push(j);
    else rows.set(j.alert.rule_id, [j]);
  }
  const rules = [...rows].map(([rule_id, mine]): RuleBacktest => {
    const verdictOf = new Map<string, AlertVerdict>();
    for (const j of mine) {
      const k = key(j.alert.entity_type, j.alert.entity);
      const was = verdictOf.get(k);
      if (was === 'true_positive' || (was === 'false_positive' && j.verdict === 'unlabelled')) continue;
      verdictOf.set(k, j.verdict);
    }
    const count = (v: AlertVerdict): number => [...verdictOf.values()].filter((x) => x === v).length;
    const firstByScenario = new Map<number, number>();
    for (const j of mine) for (const i of j.scenarios) firstByScenario.set(i, Math.min(firstByScenario.get(i) ?? Infinity, j.alert.ts));
    const delays = [...firstByScenario].flatMap(([i, ts]) => (scenarios[i]!.start_ts === null ? [] : [ts - scenarios[i]!.start_ts!]));
    return {
      rule_id, alerts: mine.length, entities: verdictOf.size,
      true_positives: count('true_positive'), false_positives: count('false_positive'), unlabelled: count('unlabelled'),
      scenarios_detected: scenarioMode ? firstByScenario.size : null,
      detection_delay_ms: delayStats(delays),
      victims_found: scenarioMode ? victimsOfRule.get(rule_id)?.size ?? 0 : null,
      victims_labelled: scenarioMode ? labelledVictims.size : null,
    };
  });

  const scenarioRows = fraudIdx.map((i): ScenarioBacktest => {
    const s = scenarios[i]!;
    const hits = judged.filter((j) => j.scenarios.includes(i));
    const first = hits.length > 0 ? Math.min(...hits.map((j) => j.alert.ts)) : null;
    const found = s.victims.filter((v) => victimsOf.get(i)?.has(v)).length;
    return {
      scenario: s.scenario, detected: hits.length > 0, first_alert_ts: first,
      delay_ms: first === null || s.start_ts === null ? null : first - s.start_ts,
      alerts: hits.length, rules: [...new Set(hits.map((j) => j.alert.rule_id))].sort(byText),
      victims_labelled: s.victims.length, victims_found: found,
      victims_recall: s.victims.length > 0 ? found / s.victims.length : null,
    };
  });

  const fp = new Map<string, EntityFinding>();
  for (const j of judged) {
    if (j.verdict !== 'false_positive') continue;
    const k = key(j.alert.entity_type, j.alert.entity);
    const f = fp.get(k) ?? { entity_type: j.alert.entity_type, entity: j.alert.entity, rules: [], alerts: 0 };
    f.alerts++;
    if (!f.rules.includes(j.alert.rule_id)) f.rules.push(j.alert.rule_id);
    fp.set(k, f);
  }
  const falsePositives = [...fp.values()]
    .map((f) => ({ ...f, rules: f.rules.sort(byText) }))
    .sort((a, b) => byText(key(a.entity_type, a.entity), key(b.entity_type, b.entity)));

  const missed = labels.kind === 'verdicts' ? missedTruePositives(labels.verdicts, alerts) : [];
  const allFound = new Set([...victimsOf.values()].flatMap((s) => [...s]));
  return {
    labels: labels.kind,
    totals: {
      alerts: judged.length,
      true_positive_alerts: judged.filter((j) => j.verdict === 'true_positive').length,
      false_positive_alerts: judged.filter((j) => j.verdict === 'false_positive').length,
      unlabelled_alerts: judged.filter((j) => j.verdict === 'unlabelled').length,
      scenarios_labelled: scenarioMode ? fraudIdx.length : null,
      scenarios_detected: scenarioMode ? scenarioRows.filter((s) => s.detected).length : null,
      victims_labelled: scenarioMode ? labelledVictims.size : null,
      victims_found: scenarioMode ? [...labelledVictims].filter((v) => allFound.has(v)).length : null,
    },
    rules,
    scenarios: scenarioRows,
    false_positives: falsePositives,
    false_victims: [...falseVictims].sort(byText),
    missed_true_positives: missed,
  };
}

function missedTruePositives(verdicts: readonly AnalystVerdict[], alerts: readonly Alert[]): Backtest['missed_true_positives'] {
  const ids = new Set(alerts.map((a) => a.alert_id));
  const entities = new Set(alerts.map((a) => key(a.entity_type, a.entity)));
  const entityRules = new Set(alerts.map((a) => `${key(a.entity_type, a.entity)}\u0000${a.rule_id}`));
  const seen = new Set<string>();
  const out: Backtest['missed_true_positives'] = [];
  for (const v of verdicts) {
    if (v.verdict !== 'true_positive') continue;
    const k = key(v.entity_type, v.entity);
    const found = v.alert_id !== undefined ? ids.has(v.alert_id) : v.rule_id !== undefined ? entityRules.has(`${k}\u0000${v.rule_id}`) : entities.has(k);
    const id = `${k}\u0000${v.rule_id ?? ''}\u0000${v.alert_id ?? ''}`;
    if (found || seen.has(id)) continue;
    seen.add(id);
    out.push({
      entity_type: v.entity_type, entity: v.entity,
      ...(v.rule_id !== undefined ? { rule_id: v.rule_id } : {}), ...(v.alert_id !== undefined ? { alert_id: v.alert_id } : {}),
    });
  }
  return out.sort((a, b) => byText(`${key(a.entity_type, a.entity)}\u0000${a.rule_id ?? ''}\u0000${a.alert_id ?? ''}`, `${key(b.entity_type, b.entity)}\u0000${b.rule_id ?? ''}\u0000${b.alert_id ?? ''}`));
}
