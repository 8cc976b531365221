import type { Severity } from '../events.js';
import type { CallPredicate } from './condition.js';
import type { KeyExtractor } from './key-extractor.js';

/** A rule's thresholds held for an entity: what the alert book turns into an alert. */
export interface Firing {
  ruleId: string;
  severity: Severity;
  description: string;
  entityType: string;
  entity: string;
  windowStart: number;
  windowEnd: number;
  ts: number;
  value: number;
  threshold: number;
  measures: Record<string, number>;
  evidence: string[];
  cooldownMs: number;
  /** Present when callees connected to this entity count as victims. */
  victims?: { key: KeyExtractor; filter: CallPredicate | undefined };
  summary: string;
}
