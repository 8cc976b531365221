import type { Severity } from '../events.js';
import type { CallPredicate } from './condition.js';
import type { KeyExtractor } from './key-extractor.js';

/** What the alert book needs to decide whether a firing changes anything. */
export interface FiringHead {
  ruleId: string;
  severity: Severity;
  entityType: string;
  entity: string;
  ts: number;
  value: number;
  cooldownMs: number;
  /**
   * Builds the full firing (summary, evidence, measures). Present on the hot path: a campaign fires
   * on every event, and the details are only needed when the alert is new, grows or escalates.
   */
  complete?: () => Firing;
}

/** A rule's thresholds held for an entity: what the alert book turns into an alert. */
export interface Firing extends FiringHead {
  description: string;
  windowStart: number;
  windowEnd: number;
  threshold: number;
  measures: Record<string, number>;
  evidence: string[];
  /** Present when callees connected to this entity count as victims. */
  victims?: { key: KeyExtractor; filter: CallPredicate | undefined };
  summary: string;
}
