/** The contract's records (contract.md sections 1, 2, 4, 5), as the core sees them. */

export const CALL_EVENT_TYPES = ['START', 'ANSWER', 'END'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

export const ATTESTATIONS = ['A', 'B', 'C', 'NONE'] as const;
export type Attestation = (typeof ATTESTATIONS)[number];

export const SMS_CATEGORIES = ['OTP', 'A2P', 'P2P'] as const;
export type SmsCategory = (typeof SMS_CATEGORIES)[number];

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface CallEvent {
  event_id: string;
  call_id: string;
  type: CallEventType;
  ts: number;
  calling_number: string;
  called_number: string;
  ingress_trunk: string;
  ingress_country: string;
  attestation: Attestation;
  duration_ms: number | null;
  sip_code: number | null;
}

export interface SmsEvent {
  event_id: string;
  ts: number;
  sender: string;
  recipient_number: string;
  category: SmsCategory;
}

export interface Alert {
  alert_id: string;
  rule_id: string;
  severity: Severity;
  entity_type: string;
  entity: string;
  window_start: number;
  window_end: number;
  ts: number;
  value: number;
  threshold: number;
  summary: string;
  evidence: string[];
}

export interface VictimExposure {
  victim_number: string;
  entity_type: string;
  entity: string;
  alert_id: string;
  call_id: string;
  ts: number;
  duration_ms: number;
}

/** Call-event fields a rule may key on or filter by. */
export const CALL_FIELDS = [
  'event_id', 'call_id', 'type', 'ts', 'calling_number', 'called_number',
  'ingress_trunk', 'ingress_country', 'attestation', 'duration_ms', 'sip_code',
] as const;
export type CallField = (typeof CALL_FIELDS)[number];
