import type { Alert, VictimExposure } from '@telfraud/core';
import { describe, expect, it } from 'vitest';
import { backtestAgainstLabels, judgeAlerts, type BacktestLabels, type LabelledScenario } from './label-backtest.js';

const T0 = Date.UTC(2026, 0, 5, 9);
let seq = 0;
const alert = (rule_id: string, entity_type: string, entity: string, ts: number): Alert => ({
  alert_id: `a${seq++}`, rule_id, severity: 'HIGH', entity_type, entity, window_start: ts - 60_000, window_end: ts, ts,
  value: 5, threshold: 3, summary: '', evidence: [],
});
const exposure = (a: Alert, victim_number: string): VictimExposure => ({
  victim_number, entity_type: a.entity_type, entity: a.entity, alert_id: a.alert_id, call_id: `c-${victim_number}`, ts: a.ts, duration_ms: 90_000,
});

const ispoof: LabelledScenario = {
  scenario: 'ispoof', kind: 'fraud', start_ts: T0, victims: ['+441', '+442', '+443'],
  entities: [{ entity_type: 'ingress_trunk', entity: 'trunk-x' }, { entity_type: 'calling_number', entity: '+4420' }],
};
const rotation: LabelledScenario = { scenario: 'cli-rotation', kind: 'fraud', start_ts: T0 + 600_000, victims: ['+449'], entities: [{ entity_type: 'ingress_trunk', entity: 'trunk-r' }] };
const quiet: LabelledScenario = { scenario: 'low-and-slow', kind: 'fraud', start_ts: T0, victims: ['+448'], entities: [{ entity_type: 'ingress_trunk', entity: 'trunk-q' }] };
const bank: LabelledScenario = { scenario: 'bank-call-centre', kind: 'legit', start_ts: T0, victims: [], entities: [{ entity_type: 'ingress_trunk', entity: 'trunk-bank' }] };
const scenarios: BacktestLabels = { kind: 'scenarios', scenarios: [ispoof, rotation, quiet, bank] };

describe('backtest against labelled scenarios', () => {
  const burstTrunk = alert('burst', 'ingress_trunk', 'trunk-x', T0 + 30_000);
  const burstCli = alert('burst', 'calling_number', '+4420', T0 + 90_000);
  const burstBank = alert('burst', 'ingress_trunk', 'trunk-bank', T0 + 10_000);
  const otp = alert('otp', 'called_number', '+442', T0 + 400_000);
  const rot = alert('rotation', 'ingress_trunk', 'trunk-r', T0 + 660_000);
  const rotAgain = alert('rotation', 'ingress_trunk', 'trunk-r', T0 + 900_000);
  const alerts = [burstTrunk, burstCli, burstBank, otp, rot, rotAgain];
  const victims = [exposure(burstTrunk, '+441'), exposure(burstTrunk, '+442'), exposure(rot, '+449'), exposure(burstBank, '+445')];
  const b = backtestAgainstLabels(scenarios, alerts, victims, ['burst', 'rotation', 'otp', 'never']);

  it('scores each rule: alerts, entities judged true and false, delays, victims listed', () => {
    expect(b.rules).toEqual([
      { rule_id: 'burst', alerts: 3, entities: 3, true_positives: 2, false_positives: 1, unlabelled: 0, scenarios_detected: 1,
        detection_delay_ms: { min: 30_000, median: 30_000, max: 30_000 }, victims_found: 2, victims_labelled: 5 },
      { rule_id: 'rotation', alerts: 2, entities: 1, true_positives: 1, false_positives: 0, unlabelled: 0, scenarios_detected: 1,
        detection_delay_ms: { min: 60_000, median: 60_000, max: 60_000 }, victims_found: 1, victims_labelled: 5 },
      { rule_id: 'otp', alerts: 1, entities: 1, true_positives: 1, false_positives: 0, unlabelled: 0, scenarios_detected: 1,
        detection_delay_ms: { min: 400_000, median: 400_000, max: 400_000 }, victims_found: 0, victims_labelled: 5 },
      { rule_id: 'never', alerts: 0, entities: 0, true_positives: 0, false_positives: 0, unlabelled: 0, scenarios_detected: 0,
        detection_delay_ms: null, victims_found: 0, victims_labelled: 5 },
    ]);
  });

  it('scores each fraud scenario: detected or missed, delay, victims recall', () => {
    expect(b.scenarios).toEqual([
      { scenario: 'ispoof', detected: true, first_alert_ts: T0 + 30_000, delay_ms: 30_000, alerts: 3, rules: ['burst', 'otp'], victims_labelled: 3, victims_found: 2, victims_recall: 2 / 3 },
      { scenario: 'cli-rotation', detected: true, first_alert_ts: T0 + 660_000, delay_ms: 60_000, alerts: 2, rules: ['rotation'], victims_labelled: 1, victims_found: 1, victims_recall: 1 },
      { scenario: 'low-and-slow', detected: false, first_alert_ts: null, delay_ms: null, alerts: 0, rules: [], victims_labelled: 1, victims_found: 0, victims_recall: 0 },
    ]);
    expect(b.totals).toEqual({
      alerts: 6, true_positive_alerts: 5, false_positive_alerts: 1, unlabelled_alerts: 0,
      scenarios_labelled: 3, scenarios_detected: 2, victims_labelled: 5, victims_found: 3,
    });
  });

  it('lists false positives (a legit look-alike) by entity, and victims no fraud accounts for', () => {
    expect(b.false_positives).toEqual([{ entity_type: 'ingress_trunk', entity: 'trunk-bank', rules: ['burst'], alerts: 1 }]);
    expect(b.false_victims).toEqual(['+445']);
    expect(b.missed_true_positives).toEqual([]);
  });

  it('gives no delay for a scenario without a start, and no recall without labelled victims', () => {
    const silent: LabelledScenario = { scenario: 'silent', kind: 'fraud', start_ts: null, victims: [], entities: [{ entity_type: 'ingress_trunk', entity: 'trunk-s' }] };
    const b2 = backtestAgainstLabels({ kind: 'scenarios', scenarios: [silent] }, [alert('r', 'ingress_trunk', 'trunk-s', T0)], [], ['r']);
    expect(b2.scenarios[0]).toMatchObject({ detected: true, first_alert_ts: T0, delay_ms: null, victims_recall: null });
    expect(b2.rules[0]).toMatchObject({ true_positives: 1, scenarios_detected: 1, detection_delay_ms: null });
  });

  it('gives a median over several detected scenarios', () => {
    const two = backtestAgainstLabels(scenarios, [alert('r', 'ingress_trunk', 'trunk-x', T0 + 5_000), alert('r', 'ingress_trunk', 'trunk-r', T0 + 605_000 + 20_000), alert('r', 'ingress_trunk', 'trunk-q', T0 + 50_000)], [], ['r']);
    expect(two.rules[0]!.detection_delay_ms).toEqual({ min: 5_000, median: 25_000, max: 50_000 });
  });
});

describe('backtest against analysts\' verdicts', () => {
  const a1 = alert('burst', 'ingress_trunk', 't1', T0);
  const a2 = alert('burst', 'ingress_trunk', 't2', T0);
  const a3 = alert('otp', 'ingress_trunk', 't2', T0);
  const a4 = alert('burst', 'ingress_trunk', 't3', T0);
  const a5 = alert('burst', 'ingress_trunk', 't4', T0);
  const labels: BacktestLabels = {
    kind: 'verdicts', verdicts: [
      { entity_type: 'ingress_trunk', entity: 't1', verdict: 'true_positive' },
      { entity_type: 'ingress_trunk', entity: 't2', verdict: 'true_positive' },
      { entity_type: 'ingress_trunk', entity: 't2', verdict: 'benign', rule_id: 'otp' },
      { entity_type: 'ingress_trunk', entity: 't3', verdict: 'true_positive' },
      { entity_type: 'ingress_trunk', entity: 't3', verdict: 'false_positive', alert_id: a4.alert_id },
      { entity_type: 'ingress_trunk', entity: 't9', verdict: 'true_positive' },
      { entity_type: 'ingress_trunk', entity: 't1', verdict: 'true_positive', alert_id: 'gone' },
    ],
  };

  it('applies the most specific verdict: alert, then entity and rule, then entity', () => {
    expect(judgeAlerts(labels, [a1, a2, a3, a4, a5]).map((j) => j.verdict)).toEqual(['true_positive', 'true_positive', 'false_positive', 'false_positive', 'unlabelled']);
  });

  it('scores rules, lists false positives and the true positives this run no longer alerts on', () => {
    const b = backtestAgainstLabels(labels, [a1, a2, a3, a4, a5], [exposure(a3, '+447'), exposure(a1, '+441')], ['burst', 'otp']);
    expect(b.rules.map((r) => [r.rule_id, r.alerts, r.true_positives, r.false_positives, r.unlabelled, r.scenarios_detected, r.victims_found])).toEqual([
      ['burst', 4, 2, 1, 1, null, null],
      ['otp', 1, 0, 1, 0, null, null],
    ]);
    expect(b.scenarios).toEqual([]);
    expect(b.false_positives.map((f) => [f.entity, f.rules, f.alerts])).toEqual([['t2', ['otp'], 1], ['t3', ['burst'], 1]]);
    expect(b.false_victims).toEqual(['+447']);
    expect(b.missed_true_positives).toEqual([
      { entity_type: 'ingress_trunk', entity: 't1', alert_id: 'gone' },
      { entity_type: 'ingress_trunk', entity: 't9' },
    ]);
  });
});
