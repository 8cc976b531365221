import type { Alert, VictimExposure } from '@telfraud/core';

/** The generator's ground truth, as far as scoring needs it (services/generator labels.json). */
export interface ScoringLabel {
  scenario: string;
  kind: 'fraud' | 'legit';
  entities: { entity_type: string; entity: string }[];
  start_ts: number;
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

const key = (type: string, entity: string): string => `${type}\u0000${entity}`;

/**
 * Scores detector output against labelled traffic: every fraud scenario should be alerted on one
 * of its origins soon after it starts and have its victims listed; nothing else should be.
 */
export function scoreAgainstLabels(labels: ScoringLabel[], alerts: Alert[], victims: VictimExposure[]): LabelScore {
  const fraudEntities = new Set<string>();
  const fraudVictims = new Set<string>();
  for (const l of labels) {
    if (l.kind !== 'fraud') continue;
    for (const e of l.entities) fraudEntities.add(key(e.entity_type, e.entity));
    for (const v of l.victims) fraudVictims.add(v);
  }
  const fraud = labels.filter((l) => l.kind === 'fraud').map((l): ScenarioScore => {
    const mine = new Set(l.entities.map((e) => key(e.entity_type, e.entity)));
    const hits = alerts.filter((a) => mine.has(key(a.entity_type, a.entity)));
    const first = hits.length > 0 ? Math.min(...hits.map((a) => a.ts)) : undefined;
    const found = new Set(victims.filter((v) => mine.has(key(v.entity_type, v.entity))).map((v) => v.victim_number));
    return {
      scenario: l.scenario,
      alerts: hits.length,
      rules: [...new Set(hits.map((a) => a.rule_id))].sort(),
      detectionDelayMs: first === undefined ? undefined : first - l.start_ts,
      victimsLabelled: l.victims.length,
      victimsFound: l.victims.filter((v) => found.has(v)).length,
    };
  });
  const falsePositives = alerts.filter((a) =>
    !fraudEntities.has(key(a.entity_type, a.entity)) && !(a.entity_type === 'called_number' && fraudVictims.has(a.entity)));
  const falseVictims = [...new Set(victims.map((v) => v.victim_number))].filter((v) => !fraudVictims.has(v));
  return { fraud, falsePositives, falseVictims };
}
