import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_PACK_SOURCE } from './default-rule-pack.js';
import { RulePackDocument, rulePackSchemaText } from './rule-pack-declaration.js';
import { structureProblems } from './rule-pack-structure.js';
import { RulePackError, validateRulePack } from './rule-pack-validation.js';

const RULE = {
  id: 'r', severity: 'LOW', key: ['ingress_trunk'], window: { type: 'tumbling', size: '1m' },
  measures: { n: { fn: 'count' } }, when: [{ measure: 'n', op: '>', value: 1 }],
};
const pack = (patch: Record<string, unknown>) => ({ version: 1, rules: [{ ...RULE, ...patch }] });
const problems = (raw: unknown) => structureProblems(RulePackDocument, raw).map((p) => `${p.at.join('/')}: ${p.message}`);

describe('the structural check of a rule pack, against its declaration', () => {
  it('finds nothing wrong with the default pack', () => {
    expect(problems(DEFAULT_RULE_PACK_SOURCE)).toEqual([]);
  });

  it('names the field inside the union member the value means (by fn, by window type)', () => {
    expect(problems(pack({ measures: { n: { fn: 'sum', field: 'called_number' } } }))).toEqual(['rules/0/measures/n/field: must be one of duration_ms, sip_code']);
    expect(problems(pack({ window: { type: 'tumbling', size: '1m', hop: '5s' } }))).toEqual(['rules/0/window/hop: is not a known field (type, size)']);
    expect(problems(pack({ window: { type: 'hopping', size: '1m' } }))).toEqual(['rules/0/window/type: must be one of sliding, tumbling, session']);
  });

  it('words a missing field and a bad value in the declaration\'s words, with the value where it helps', () => {
    expect(problems(pack({ window: { type: 'session' } }))).toEqual(['rules/0/window/gap: must be a duration such as "60s" or "5m", got undefined']);
    expect(problems(pack({ key: ['caller'] }))).toEqual(['rules/0/key/0: must be a call-event field (event_id, call_id, type, ts, calling_number, called_number, ingress_trunk, ingress_country, attestation, duration_ms, sip_code), got "caller"']);
  });

  it('names settings that are not an object as the settings\' problem, as before', () => {
    expect(() => validateRulePack({ ...pack({}), settings: 5 })).toThrow(/rule settings: settings: must be an object/);
  });

  it('refuses a measure name the published schema refuses', () => {
    expect(() => validateRulePack(pack({ measures: { 'bad name': { fn: 'count' } }, when: [{ measure: 'bad name', op: '>', value: 1 }] }))).toThrow(RulePackError);
  });

  it('leaves conditions to the validator, whose words depend on the field compared', () => {
    expect(problems(pack({ filter: { field: 'sip_code', eq: '486' } }))).toEqual([]);
    expect(() => validateRulePack(pack({ filter: { field: 'sip_code', eq: '486' } }))).toThrow(/filter\.eq: sip_code is a number/);
  });

  it('publishes the declaration without its wording annotations, constant lists as one enum', () => {
    const text = rulePackSchemaText();
    expect(text).not.toMatch(/"problem"|"showValue"/);
    const schema = JSON.parse(text) as { properties: { rules: { items: { anyOf: { properties: { severity: unknown } }[] } } } };
    expect(schema.properties.rules.items.anyOf[0]!.properties.severity).toEqual({ type: 'string', enum: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] });
  });
});

describe('a pack of many bad rules', () => {
  it('is refused with a bounded list of problems, the rest summarised', () => {
    const bad = { version: 1, rules: Array.from({ length: 150 }, (_, i) => ({ ...RULE, id: `r${i}`, severity: 'URGENT', enabled: 'no' })) };
    let problems: { rule: string; path: string; message: string }[] = [];
    try { validateRulePack(bad); } catch (err) { problems = (err as RulePackError).problems; }
    expect(problems).toHaveLength(201);
    expect(problems[0]).toEqual({ rule: 'r0', path: 'severity', message: 'must be one of LOW, MEDIUM, HIGH, CRITICAL' });
    expect(problems[200]!.message).toMatch(/^and (at least )?\d+ more problems$/);
  });
});
