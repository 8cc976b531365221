import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../events.js';
import { DEFAULT_RULE_PACK } from '../rules/default-rule-pack.js';
import { callee, SEC, T0 } from '../test-support/call-builder.js';
import { pack, reference, START } from '../test-support/fixtures.js';
import { hash32Colliders } from '../test-support/hash32-colliders.js';
import { DetectionEngine, type EngineOutput } from './detection-engine.js';

/** A CLI-rotation campaign: one unattested call a second, each from the next caller ID, never answered (released 20 s later). */
function rotation(numbers: string[]): CallEvent[] {
  return numbers.flatMap((from, i): CallEvent[] => {
    const call = {
      call_id: `rot-${i}`, calling_number: from, called_number: callee(i),
      ingress_trunk: 'intl-gw-9', ingress_country: 'NG', attestation: 'C' as const,
    };
    return [
      { ...call, event_id: `rot-${i}-s`, type: 'START', ts: T0 + i * SEC, duration_ms: null, sip_code: null },
      { ...call, event_id: `rot-${i}-e`, type: 'END', ts: T0 + i * SEC + 20 * SEC, duration_ms: 0, sip_code: 487 },
    ];
  }).sort((a, b) => a.ts - b.ts);
}

describe('distinct counting cannot be steered with colliding values', () => {
  const colliding = hash32Colliders(150);

  it('counts 150 caller IDs that share one unkeyed 32-bit hash as 150', () => {
    const engine = new DetectionEngine(pack([{
      id: 'clis', key: ['ingress_trunk'], window: { type: 'sliding', size: '5m', hop: '10s' },
      measures: { clis: { fn: 'distinct', field: 'calling_number', where: START } }, when: [{ measure: 'clis', op: '>=', value: 150 }],
    }]), reference());
    const out: EngineOutput = { alerts: [], victims: [] };
    for (const e of rotation(colliding)) engine.processCall(e, out);
    expect(out.alerts.map((a) => [a.rule_id, a.value])).toEqual([['clis', 150]]);
  });

  it('the default pack raises cli-rotation-trunk on a rotation through them', () => {
    const engine = new DetectionEngine(DEFAULT_RULE_PACK, reference());
    const out: EngineOutput = { alerts: [], victims: [] };
    for (const e of rotation(colliding.slice(0, 100))) engine.processCall(e, out);
    const alert = out.alerts.find((a) => a.rule_id === 'cli-rotation-trunk');
    expect(alert?.entity).toBe('intl-gw-9');
  });
});
