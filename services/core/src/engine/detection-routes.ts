import type { CallEvent, SmsEvent } from '../events.js';
import { keyExtractor } from '../rules/key-extractor.js';
import type { RulePack } from '../rules/rule-pack.js';

/**
 * The OTP correlation's route: it joins calls and OTP SMS on the callee, who is the SMS recipient.
 * Window rules keyed on the callee share it.
 */
export const CALLEE_ROUTE = 'called_number';

/** One key a rule pack keeps state under, and how to read it from a call. */
export interface CallRoute {
  readonly name: string;
  entityOf(e: CallEvent): string;
}

/**
 * Every key the pack keeps state under. To spread detection over several instances, each call is
 * routed once per key to the partition of its entity for that key (Kafka Streams' repartition):
 * all state of one entity then lives on one instance, and each instance runs only the rules of
 * the route a record arrived on. Alert identity, escalation (agreeing rules share the entity) and
 * victim exposures (one per call and key) do not depend on how the routes are spread.
 */
export function callRoutes(pack: RulePack): CallRoute[] {
  const routes = new Map<string, CallRoute>();
  for (const r of pack.rules) {
    if (!r.enabled) continue;
    const key = r.type === 'window' ? keyExtractor(r.key) : keyExtractor([CALLEE_ROUTE]);
    if (!routes.has(key.entityType)) routes.set(key.entityType, { name: key.entityType, entityOf: key.entityOf });
  }
  return [...routes.values()];
}

/** SMS matter only to the OTP correlation: routed with the calls to their recipient, or not at all. */
export function smsRoute(pack: RulePack): string | undefined {
  return pack.rules.some((r) => r.enabled && r.type === 'otp_after_call') ? CALLEE_ROUTE : undefined;
}

export function smsRouteEntity(s: SmsEvent): string {
  return s.recipient_number;
}
