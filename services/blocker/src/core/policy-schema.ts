import { SEVERITIES } from '@telfraud/core';
import { StringEnum, Type, jsonSchemaText, type Static } from '@telfraud/common';
import { POLICY_ACTIONS } from './policy.js';

/**
 * The blocking policy document, declared once: its type, its validator (policy-validation.ts adds
 * what a schema cannot say: duration bounds, divert needing an announcement, victims never
 * blockable, rule ids listed once) and the published `schemas/blocking-policy.schema.json`.
 */
export const MIN_EXPIRY_MS = 1_000;
export const MAX_EXPIRY_MS = 30 * 86_400_000;

const DURATION_WORDING = 'a duration between 1s and 30d such as "24h" or "90m"';
const Duration = Type.Unsafe<string | number>({
  type: ['string', 'number'], pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|h|d)?\\s*$', minimum: 0,
  expected: DURATION_WORDING, description: 'A duration such as "24h", "90m" or "30s", from 1s to 30d',
});
const Text = (description: string) => Type.String({ minLength: 1, pattern: '\\S', expected: 'a non-empty string', description });
const StringList = (description: string) =>
  Type.Array(Type.String({ minLength: 1, pattern: '\\S' }), { expected: 'an array of non-empty strings', description });

const Actions = Type.Object(
  Object.fromEntries(SEVERITIES.map((s) => [s, Type.Optional(StringEnum(POLICY_ACTIONS, { expected: `one of ${POLICY_ACTIONS.join(', ')}` }))])),
  {
    additionalProperties: false,
    expected: 'an object such as {"HIGH": "block"}',
    unknownKey: `unknown severity (expected ${SEVERITIES.join(', ')})`,
    description: 'The action for each alert severity; a severity not listed means none',
  },
);

const Rule = Type.Object({
  rule_id: Type.String({ minLength: 1, expected: 'a rule id or "*"', description: 'A detector rule id, or "*" for every rule without an entry' }),
  description: Type.Optional(Type.String()),
  actions: Actions,
  expiry: Type.Optional(Duration),
  extend_min_step: Type.Optional(Duration),
  announcement: Type.Optional(Text('The announcement a diverted call hears')),
}, { additionalProperties: false, expected: 'an object' });

export const PolicyDocument = Type.Object({
  version: Type.Literal(1, { expected: '1' }),
  name: Type.Optional(Text('The policy name, shown in audit records')),
  description: Type.Optional(Type.String()),
  defaults: Type.Optional(Type.Object({
    expiry: Type.Optional(Duration),
    extend_min_step: Type.Optional(Duration),
    announcement: Type.Optional(Text('The announcement a diverted call hears')),
  }, { additionalProperties: false, expected: 'an object' })),
  blockable_entity_types: Type.Optional(StringList('Entity types a block may name; never the victim side')),
  emergency_numbers: Type.Optional(StringList('Numbers never blocked; a trailing * makes a prefix')),
  allowlist: Type.Optional(Type.Array(Type.Object({
    entity_type: Type.String(),
    entity: Type.String({ minLength: 1 }),
    reason: Type.Optional(Type.String()),
  }, { expected: '{entity_type, entity, reason} with non-empty strings' }), { expected: 'an array of {entity_type, entity, reason}' })),
  rules: Type.Array(Rule, { expected: 'an array of rules' }),
}, { additionalProperties: false, expected: 'a JSON object' });

export type PolicyDocument = Static<typeof PolicyDocument>;

/** The committed `schemas/blocking-policy.schema.json`, byte for byte. */
export function policySchemaText(): string {
  return jsonSchemaText(PolicyDocument, {
    title: 'telfraud blocking policy',
    description: 'Generated from services/blocker/src/core/policy-schema.ts: do not edit by hand. The blocker also checks duration bounds, that a diverting rule has an announcement, that no victim-side entity type is blockable and that each rule id appears once.',
  });
}
