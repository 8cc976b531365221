/** Low-volume legitimate trunks: few calls, not attested A, people's answer rates (the look-alikes of binomial noise). */
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '@telfraud/core';
import { Rng } from '../model/prng.js';
import { collectEmissions } from '../simulation/collect-emissions.js';
import { callsOf, endOf, startOf } from '../test-support/test-runs.js';
import { planLowVolumeTrunks } from './low-volume-trunks.js';

describe('low-volume-trunks plans', () => {
  const plans = Array.from({ length: 200 }, (_, seed) => planLowVolumeTrunks(new Rng(`plan-${seed}`))).flat();

  it('draws one trunk of each kind per seed, 2.5-8 calls/min, 40-60 % answered, 15-30 % of answers brief', () => {
    expect(plans.filter((p) => p.kind === 'enterprise-pbx')).toHaveLength(200);
    expect(plans.filter((p) => p.kind === 'foreign-carrier')).toHaveLength(200);
    expect(plans.filter((p) => p.kind === 'reseller')).toHaveLength(200);
    for (const [key, lo, hi] of [['perMinute', 2.5, 8], ['answerRate', 0.4, 0.6], ['briefShare', 0.15, 0.3]] as const) {
      const xs = plans.map((p) => p[key]);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...xs)).toBeLessThanOrEqual(hi);
      // Spread over the range, not clustered.
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(0.9 * (hi - lo));
    }
  });

  it('presents a few to many caller IDs: a PBX its own number block, a reseller its customers, a foreign carrier a new number per call', () => {
    const pbx = plans.filter((p) => p.kind === 'enterprise-pbx');
    expect(Math.min(...pbx.map((p) => p.clis.length))).toBeGreaterThanOrEqual(2);
    expect(pbx.every((p) => new Set(p.clis.map((n) => n.slice(0, -3))).size === 1)).toBe(true);
    expect(Math.max(...plans.filter((p) => p.kind === 'reseller').map((p) => p.clis.length))).toBeGreaterThan(100);
    expect(plans.filter((p) => p.kind === 'foreign-carrier').every((p) => p.clis.length === 0 && p.trunk.country !== 'GB')).toBe(true);
  });
});

describe('low-volume-trunks traffic', () => {
  const { emissions, labels } = collectEmissions({
    seed: 7, startTs: Date.UTC(2026, 0, 1), horizonMs: 3 * 3_600_000, backgroundRate: 0,
    scenarios: ['low-volume-trunks'], delivery: { lateShare: 0, duplicateShare: 0 },
  });
  const calls: CallEvent[][] = [...callsOf(emissions, labels.findIndex((l) => l.scenario === 'low-volume-trunks')).values()];
  const plans = planLowVolumeTrunks(new Rng('telfraud-generator:7').fork('low-volume-trunks').fork('plan'));

  it.each(plans.map((p) => [p.kind, p] as const))('%s: its drawn rate and short share (failed or under 20 s), never attested A', (_kind, plan) => {
    const mine = calls.filter((c) => startOf(c).ingress_trunk === plan.trunk.id);
    expect(mine.length / 180).toBeGreaterThan(0.85 * plan.perMinute);
    expect(mine.length / 180).toBeLessThan(1.15 * plan.perMinute);
    expect(mine.every((c) => startOf(c).attestation !== 'A')).toBe(true);
    const short = mine.filter((c) => endOf(c).duration_ms! < 20_000).length / mine.length;
    const expected = 1 - plan.answerRate + plan.answerRate * plan.briefShare;
    expect(Math.abs(short - expected)).toBeLessThan(0.06);
    expect(new Set(mine.map((c) => startOf(c).called_number)).size).toBeGreaterThan(0.98 * mine.length);
  });

  it('labels its trunks and caller IDs as legitimate', () => {
    const label = labels.find((l) => l.scenario === 'low-volume-trunks')!;
    expect(label.kind).toBe('legit');
    for (const p of plans) expect(label.entities).toContainEqual({ entity_type: 'ingress_trunk', entity: p.trunk.id });
  });
});
