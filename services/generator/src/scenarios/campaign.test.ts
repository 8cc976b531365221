import { describe, expect, it } from 'vitest';
import type { CallEvent } from '@telfraud/core';
import { Rng } from '../model/prng.js';
import { dnoEntries } from '../model/bank-directory.js';
import { collectEmissions } from '../simulation/collect-emissions.js';
import type { CampaignSpec } from '../simulation/build-simulation.js';
import { callsOf, endOf, startOf } from '../test-support/test-runs.js';
import { CAMPAIGN_STYLES, planCampaign, type CampaignStyle } from './campaign.js';

const DNO = new Set(dnoEntries().map((e) => e.number));
const START = Date.UTC(2026, 0, 1);

describe('planCampaign', () => {
  const plans = Array.from({ length: 300 }, (_, i) => planCampaign(new Rng(`plan-${i}`), { name: `c${i}` }));

  it('draws every parameter from its documented range', () => {
    for (const p of plans) {
      expect(p.perMinute).toBeGreaterThanOrEqual(3);
      expect(p.perMinute).toBeLessThanOrEqual(60);
      expect(p.durationMs).toBeGreaterThanOrEqual(10 * 60_000);
      expect(p.durationMs).toBeLessThanOrEqual(3 * 3_600_000);
      expect(p.answerRate).toBeGreaterThanOrEqual(0.03);
      expect(p.answerRate).toBeLessThanOrEqual(0.4);
      const { A, B, C, NONE } = p.attestation;
      expect(A + B + C + NONE).toBeCloseTo(1, 9);
      expect(A).toBeLessThanOrEqual(0.1);
      expect(C + NONE).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('covers every style, both origins, every callee choice, slow and fast rates', () => {
    expect(new Set(plans.map((p) => p.style))).toEqual(new Set(CAMPAIGN_STYLES));
    expect(new Set(plans.map((p) => p.origin))).toEqual(new Set(['domestic', 'foreign']));
    expect(new Set(plans.map((p) => p.callees))).toEqual(new Set(['random', 'sequential', 'leaked']));
    expect(plans.some((p) => p.perMinute < 5)).toBe(true);
    expect(plans.some((p) => p.perMinute > 40)).toBe(true);
  });

  it('is deterministic for a seed, and options pin what they name', () => {
    expect(planCampaign(new Rng('x'), { name: 'a' })).toEqual(planCampaign(new Rng('x'), { name: 'a' }));
    const pinned = planCampaign(new Rng('x'), { name: 'a', style: 'neighbour', perMinute: 7, answerRate: 0.2 });
    expect([pinned.style, pinned.cli, pinned.perMinute, pinned.answerRate, pinned.origin]).toEqual(['neighbour', 'neighbour', 7, 0.2, 'domestic']);
  });
});

describe('campaign traffic', () => {
  const specs: CampaignSpec[] = CAMPAIGN_STYLES.map((style) => ({ name: style, style, perMinute: 20, startMs: 60_000, durationMs: 20 * 60_000 }));
  const { emissions, labels } = collectEmissions({
    seed: 7, startTs: START, horizonMs: 30 * 60_000, backgroundRate: 0, scenarios: [], campaigns: specs, delivery: { lateShare: 0, duplicateShare: 0 },
  });
  const starts = (style: CampaignStyle): CallEvent[] => [...callsOf(emissions, labels.findIndex((l) => l.scenario === style)).values()].map(startOf);

  it('runs each pinned campaign at its rate from its own trunk, labelled with that trunk', () => {
    for (const style of CAMPAIGN_STYLES) {
      const s = starts(style);
      expect(s.length, style).toBeGreaterThan(20 * 20 * 0.8);
      expect(s.length, style).toBeLessThan(20 * 20 * 1.2);
      const trunks = new Set(s.map((x) => x.ingress_trunk));
      expect(trunks.size).toBe(1);
      const label = labels.find((l) => l.scenario === style)!;
      expect(label.kind).toBe('fraud');
      expect(label.entities).toContainEqual({ entity_type: 'ingress_trunk', entity: [...trunks][0] });
    }
  });

  it('presents caller IDs as its style says', () => {
    const clis = (style: CampaignStyle) => new Set(starts(style).map((s) => s.calling_number));
    expect([...clis('dno')].every((n) => DNO.has(n))).toBe(true);
    expect(clis('fresh-cli').size).toBeGreaterThan(0.98 * starts('fresh-cli').length);
    expect(clis('cli-pool').size).toBeGreaterThanOrEqual(3);
    expect(clis('cli-pool').size).toBeLessThanOrEqual(8);
    expect(clis('single-cli').size).toBe(1);
    for (const s of starts('neighbour')) {
      expect(s.calling_number).not.toBe(s.called_number);
      expect(s.calling_number.slice(0, -4)).toBe(s.called_number.slice(0, -4));
    }
    for (const s of starts('foreign-home-cli')) {
      expect(s.ingress_country).not.toBe('GB');
      expect(s.calling_number).toMatch(/^\+44[12]/);
    }
    for (const style of CAMPAIGN_STYLES.filter((x) => x !== 'foreign-home-cli')) expect(starts(style)[0]!.ingress_country).toBe('GB');
    // Labelled caller IDs: the numbers it presents again and again (never the fresh ones).
    const labelled = (style: CampaignStyle) => labels.find((l) => l.scenario === style)!.entities.filter((e) => e.entity_type === 'calling_number').length;
    expect(labelled('single-cli')).toBe(1);
    expect(labelled('fresh-cli')).toBe(0);
    expect(labelled('neighbour')).toBe(0);
  });

  it('dials callees as its style says: a number range in order, a leaked list without repeats', () => {
    const seq = starts('sequential-range').sort((a, b) => a.ts - b.ts).map((s) => s.called_number);
    const blocks = new Set(seq.map((n) => n.slice(0, -2)));
    expect(blocks.size).toBeLessThan(seq.length / 20);
    for (let i = 1; i < seq.length; i++) expect(Number(seq[i]!.slice(-6))).toBeGreaterThan(Number(seq[i - 1]!.slice(-6)));
    const leaked = starts('leaked-list').map((s) => s.called_number);
    expect(new Set(leaked).size).toBe(leaked.length);
  });

  it('is mostly unanswered or brief, a few hooked past a minute, and labels exactly those callees as victims', () => {
    for (const style of CAMPAIGN_STYLES) {
      const i = labels.findIndex((l) => l.scenario === style);
      const ends = [...callsOf(emissions, i).values()].map(endOf);
      const short = ends.filter((e) => e.duration_ms! < 20_000).length / ends.length;
      expect(short, style).toBeGreaterThan(0.55);
      const long = ends.filter((e) => e.duration_ms! > 60_000);
      expect(labels[i]!.victims).toEqual([...new Set(long.map((e) => e.called_number))].sort());
    }
  });
});
