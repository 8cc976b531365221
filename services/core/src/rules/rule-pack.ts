import type { CallField, Severity } from '../events.js';
import type { REFERENCE_CHECKS } from './rule-pack-declaration.js';

/**
 * The declarative rule pack (JSON). Analysts edit this, not code; `validateRulePack` turns raw
 * JSON into these types or names the rule and field that is wrong.
 */

export type Condition =
  | { field: CallField; eq: string | number | null }
  | { field: CallField; ne: string | number | null }
  | { field: CallField; in: (string | number)[] }
  | { field: CallField; notIn: (string | number)[] }
  | { field: CallField; prefix: string[] }
  | { field: CallField; gt: number }
  | { field: CallField; gte: number }
  | { field: CallField; lt: number }
  | { field: CallField; lte: number }
  | { ref: ReferenceCheck }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** Checks against the reference data (contract section 3). */
export type ReferenceCheck = (typeof REFERENCE_CHECKS)[number];

export type Measure =
  | { fn: 'count'; where?: Condition }
  /** `dropDigits`: the value's last N digits are removed before counting (number blocks). */
  | { fn: 'distinct'; field: CallField; where?: Condition; dropDigits?: number }
  /**
   * lowerBound / upperBound (a one-sided confidence, e.g. 0.95): the Wilson bound of the share instead
   * of the share itself, so a small window must show a clearer share than a large one.
   */
  | { fn: 'ratio'; numerator: Condition; denominator?: Condition; lowerBound?: number; upperBound?: number }
  | { fn: 'sum' | 'avg' | 'max' | 'min'; field: 'duration_ms' | 'sip_code'; where?: Condition }
  /** distinct(field) / count: near 1 when every attempt differs (fan-out, rotating caller IDs). */
  | { fn: 'distinct_ratio'; field: CallField; where?: Condition; dropDigits?: number };

export type ComparisonOp = '>=' | '>' | '<=' | '<';

export interface Threshold {
  measure: string;
  op: ComparisonOp;
  value: number;
}

export type WindowSpec =
  | { type: 'sliding'; sizeMs: number; hopMs: number }
  | { type: 'tumbling'; sizeMs: number }
  | { type: 'session'; gapMs: number; maxMs: number };

export interface WindowRule {
  id: string;
  type: 'window';
  description: string;
  severity: Severity;
  enabled: boolean;
  key: CallField[];
  window: WindowSpec;
  /** Which events feed the rule at all. */
  filter: Condition | undefined;
  measures: Record<string, Measure>;
  /** All must hold; the first is the alert's `value`/`threshold`. */
  when: Threshold[];
  /** Incident period: repeated firings within it update one alert. */
  cooldownMs: number;
  /** Whether callees connected > 60 s to the flagged entity are victims. */
  victims: boolean;
}

export interface OtpAfterCallRule {
  id: string;
  type: 'otp_after_call';
  description: string;
  severity: Severity;
  enabled: boolean;
  /** An OTP within this long after the suspicious call connected. */
  withinMs: number;
  /** What makes the call's origin suspicious (besides being flagged by another rule). */
  suspicious: Condition;
  cooldownMs: number;
}

export type Rule = WindowRule | OtpAfterCallRule;

export interface EngineSettings {
  /** Events older than the watermark (max event time minus this) are late: counted and parked. */
  allowedLatenessMs: number;
  /**
   * A record dated further than this ahead of the confirmed event time is parked (`FUTURE_EVENT`)
   * unless other records confirm the jump: one record cannot move event time. Kept under the
   * allowed lateness, a record just inside it cannot make on-time events late either.
   */
  maxEventTimeJumpMs: number;
  /** Connected time that makes a callee a victim (police used 60 s). */
  victimMinDurationMs: number;
  /** How far before a flag connected calls are looked up. */
  victimLookbackMs: number;
  /** How long after a flag new connected calls still count. */
  victimFollowMs: number;
  /** Cap on remembered connected calls for the look-back (memory bound). */
  victimLogMaxCalls: number;
  /** Severity is raised one step per other rule agreeing on the same entity within the period. */
  escalateOnAgreement: boolean;
  /** Max call ids kept as evidence per alert. */
  evidenceSize: number;
}

export interface RulePack {
  version: 1;
  name: string;
  settings: EngineSettings;
  rules: Rule[];
}

export const DEFAULT_SETTINGS: EngineSettings = {
  allowedLatenessMs: 180_000,
  maxEventTimeJumpMs: 120_000,
  victimMinDurationMs: 60_000,
  victimLookbackMs: 3_600_000,
  victimFollowMs: 24 * 3_600_000,
  victimLogMaxCalls: 2_000_000,
  escalateOnAgreement: true,
  evidenceSize: 10,
};
