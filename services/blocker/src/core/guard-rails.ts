import { normaliseNumber, type Policy } from './policy.js';

/** Why a block or divert must not happen whatever the policy says. */
export type GuardVerdict =
  | { ok: true }
  | { ok: false; reason: 'emergency_number' | 'allowlisted' }
  | { ok: false; reason: 'entity_type_not_blockable' };

export function isEmergencyNumber(policy: Policy, entity: string): boolean {
  const n = normaliseNumber(entity);
  const bare = n.startsWith('+') ? n.slice(1) : n;
  return policy.emergencyNumbers.some((e) => {
    const prefix = e.endsWith('*');
    const core = prefix ? e.slice(0, -1) : e;
    const coreBare = core.startsWith('+') ? core.slice(1) : core;
    if (prefix) return n.startsWith(core) || (!core.startsWith('+') && bare.startsWith(coreBare));
    // A short code (no `+`) also matches when presented with a `+` in front.
    return n === core || (!core.startsWith('+') && bare === coreBare);
  });
}

export function isAllowlisted(policy: Policy, entityType: string, entity: string): boolean {
  const values = policy.allowlist.get(entityType);
  if (!values) return false;
  return values.has(entity) || values.has(normaliseNumber(entity));
}

/**
 * The guard rails in order of precedence: an emergency number (any entity type) and an allowlisted
 * entity are never blocked; an entity type outside the blockable set (a victim's number, say) is
 * downgraded to a notification by the caller.
 */
export function checkGuardRails(policy: Policy, entityType: string, entity: string): GuardVerdict {
  if (isEmergencyNumber(policy, entity)) return { ok: false, reason: 'emergency_number' };
  if (isAllowlisted(policy, entityType, entity)) return { ok: false, reason: 'allowlisted' };
  if (!policy.blockableEntityTypes.has(entityType)) return { ok: false, reason: 'entity_type_not_blockable' };
  return { ok: true };
}
