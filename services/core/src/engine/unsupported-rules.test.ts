import { describe, expect, it } from 'vitest';
import { RuleNotSupportedError } from '../rules/condition.js';
import { burstRule, pack, reference } from '../test-support/fixtures.js';
import { DetectionEngine } from './detection-engine.js';

// dropDigits and ref neighbour_cli are part of the rule-pack language, evaluated by a separate change:
// delete this file when that change lands (it pins the refusal until then).
describe('rules this build cannot evaluate', () => {
  const nearby = burstRule(3, { id: 'near', filter: { ref: 'neighbour_cli' } });
  const blocks = burstRule(3, { id: 'blocks', measures: { b: { fn: 'distinct', field: 'calling_number', dropDigits: 4 } }, when: [{ measure: 'b', op: '>=', value: 3 }] });

  it('validate, but are refused when the engine compiles them, never compiled into a check that stays silent', () => {
    for (const rule of [nearby, blocks]) expect(() => new DetectionEngine(pack([rule]), reference())).toThrow(RuleNotSupportedError);
  });

  it('a hot reload with one is refused and leaves the running pack whole', () => {
    const e = new DetectionEngine(pack([burstRule(3)], { allowedLateness: '30s' }), reference());
    const before = e.rulePack;
    expect(() => e.replaceRulePack(pack([burstRule(3), nearby], { allowedLateness: '5m' }))).toThrow(RuleNotSupportedError);
    expect(e.rulePack).toBe(before);
    expect(e.stats().activeKeysByRule).toEqual({ burst: 0 });
  });
});
