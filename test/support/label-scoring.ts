import type { Alert, VictimExposure } from '@telfraud/core';
import { backtestAgainstLabels, judgeAlerts, type BacktestLabels } from '@telfraud/detector';

/** The generator's ground truth, as far as scoring needs it (services/generator labels.json). */
export interface ScoringLabel {
  scenario: string;
  kind: 'fraud' | 'legit';
  entities: { entity_type: string; entity: string }[];
  start_ts: number | null;
  victims: string[];
}

export interface ScenarioScore {
  scenario: string;
  alerts: number;
  rules: string[];
  /** From the scenario's first event to its first alert; undefined when never detected. */
  detectionDelayMs: number | undefined;
  victimsLabelled: number;
  victimsFound: number;
}

export interface LabelScore {
  fraud: ScenarioScore[];
  /** Alerts on anything that is not a fraud scenario's origin (or, for OTP alerts, its victim). */
  falsePositives: Alert[];
  /** Listed victims that no fraud scenario connected for more than 60 s. */
  falseVictims: string[];
}

/**
 * Scores detector output against labelled traffic: every fraud scenario should be alerted on one
 * of its origins soon after it starts and have its victims listed; nothing else should be. The
 * scoring is the replay CLI's backtest (services/detector/src/replay/label-backtest.ts).
 */
export function scoreAgainstLabels(labels: ScoringLabel[], alerts: Alert[], victims: VictimExposure[]): LabelScore {
  const truth: BacktestLabels = { kind: 'scenarios', scenarios: labels };
  const b = backtestAgainstLabels(truth, alerts, victims, []);
  return {
    fraud: b.scenarios.map((s) => ({
      scenario: s.scenario, alerts: s.alerts, rules: s.rules,
      detectionDelayMs: s.delay_ms ?? undefined, victimsLabelled: s.victims_labelled, victimsFound: s.victims_found,
    })),
    falsePositives: judgeAlerts(truth, alerts).filter((j) => j.verdict === 'false_positive').map((j) => j.alert),
    falseVictims: b.false_victims,
  };
}
